import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from siamese_fix import fixed_model


@pytest.mark.exercise("ch10.fix_siamese", points=1)
def test_identical_questions_have_cosine_similarity_one():
    model = fixed_model()
    dot = [l for l in model.layers if isinstance(l, layers.Dot)]
    assert len(dot) == 1 and dot[0].normalize
    probe = keras.Model(model.inputs, dot[0].output)
    questions = np.random.default_rng(3).integers(0, 5000, size=(4, 20))
    similarity = probe.predict([questions, questions], verbose=0)
    np.testing.assert_allclose(similarity, 1.0, atol=1e-5)
