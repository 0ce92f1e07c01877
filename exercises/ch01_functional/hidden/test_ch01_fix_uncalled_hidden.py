import numpy as np
import pytest

from fix_uncalled import fixed_model


@pytest.mark.exercise("ch01.fix_uncalled_layer", points=1)
def test_fixed_model_computes_the_chain():
    model = fixed_model()
    (k1, b1), (k2, b2), (k3, b3) = (layer.get_weights() for layer in model.layers[1:])
    x = np.random.default_rng(3).normal(size=(7, 4)).astype("float32")
    h = np.maximum(x @ k1 + b1, 0)
    h = np.maximum(h @ k2 + b2, 0)
    expected = 1 / (1 + np.exp(-(h @ k3 + b3)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-6)
