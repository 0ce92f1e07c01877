import numpy as np
import pytest

from fix_mlp import fixed_mlp


@pytest.mark.exercise("ch03.fix_mlp", points=1)
def test_output_is_the_sigmoid_of_the_last_layer():
    model = fixed_mlp()
    (k1, b1), (k2, b2), (k3, b3) = (layer.get_weights() for layer in model.layers[1:])
    x = np.random.default_rng(2).normal(size=(6, 8)).astype("float32")
    h = np.maximum(np.maximum(x @ k1 + b1, 0) @ k2 + b2, 0)
    np.testing.assert_allclose(model.predict(x, verbose=0), 1 / (1 + np.exp(-(h @ k3 + b3))), rtol=1e-4, atol=1e-6)
