import numpy as np
import pytest

from shared_feature_model import build_shared_feature_model


@pytest.mark.exercise("ch07.build_shared_feature", points=1)
def test_activations_and_prediction():
    model = build_shared_feature_model()
    activations = [layer.get_config()["activation"] for layer in model.layers[2:] if "activation" in layer.get_config()]
    assert activations == ["relu", "relu", "relu", "relu", "sigmoid"]
    assert model.layers[1].get_config()["return_sequences"] is False
    y = model.predict(np.random.default_rng(0).normal(size=(3, 100, 1)).astype("float32"), verbose=0)
    assert y.shape == (3, 1) and np.all((y > 0) & (y < 1))
