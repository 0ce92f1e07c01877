import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from siamese_fix import fixed_model


@pytest.mark.exercise("ch10.fix_siamese", points=1)
def test_model_builds_with_the_right_parameter_count():
    model = fixed_model()
    assert model.count_params() == 5000 * 64 + 4 * 32 * (64 + 32 + 1) + 2
    assert model.input_names == ["question_a", "question_b"]
    assert model.output_shape == (None, 1)


@pytest.mark.exercise("ch10.fix_siamese", points=1)
def test_embedding_and_encoder_are_shared():
    model = fixed_model()
    names = [layer.name for layer in model.layers]
    assert names.count("embedding") == 1 and names.count("encoder") == 1
    for name in ("embedding", "encoder"):
        layer = model.get_layer(name)
        calls = [n for n in layer._inbound_nodes if n in model.graph.nodes]
        assert len(calls) == 2, f"{name} should be called on both questions"
    assert isinstance(model.get_layer("encoder"), layers.LSTM)
    assert isinstance(model.get_layer("same_meaning"), layers.Dense)
