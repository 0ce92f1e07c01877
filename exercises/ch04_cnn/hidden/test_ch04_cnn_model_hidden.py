import numpy as np
import pytest

from minikeras.kernels import reference

from cnn_model import build_cnn


@pytest.mark.exercise("ch04.build_cnn", points=1)
def test_forward_pass_matches_the_kernels():
    model = build_cnn()
    x = np.random.default_rng(1).normal(size=(2, 64, 64, 1)).astype("float32")
    h = x
    for conv in (model.layers[1], model.layers[3]):
        kernel, bias = conv.get_weights()
        h = np.maximum(reference.conv2d_forward(h, kernel) + bias, 0)
        h, _ = reference.max_pool2d_forward(h, (2, 2))   # (pooled, argmax)
    h = h.reshape(2, -1)
    (k1, b1), (k2, b2) = model.layers[6].get_weights(), model.layers[7].get_weights()
    expected = 1 / (1 + np.exp(-(np.maximum(h @ k1 + b1, 0) @ k2 + b2)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-3, atol=1e-5)
