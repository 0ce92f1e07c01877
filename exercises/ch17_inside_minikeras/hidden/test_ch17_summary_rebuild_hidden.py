import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from summary_rebuild import build_ticket_router


@pytest.mark.exercise("ch17.from_summary", points=1)
def test_activations_dtypes_and_a_forward_pass():
    keras.backend.clear_session()
    model = build_ticket_router()
    assert model.inputs[0].dtype == "int32"
    acts = {l.name: l.activation.__name__ for l in model.layers if isinstance(l, layers.Dense)}
    assert acts == {"dense_1": "relu", "dense_2": "linear", "score": "sigmoid", "topic": "softmax"}
    rng = np.random.default_rng(0)
    score, topic = model.predict([rng.integers(0, 100, size=(3, 7)), rng.random((3, 3), dtype=np.float32)],
                                 verbose=0)
    assert score.shape == (3, 1) and topic.shape == (3, 4)
    np.testing.assert_allclose(topic.sum(axis=1), 1.0, atol=1e-5)
