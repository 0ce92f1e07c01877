import numpy as np
import pytest

from minikeras.kernels import fast, reference

from rnn_model import build_rnn


@pytest.mark.exercise("ch05.build_rnn", points=1)
def test_forward_pass_matches_the_lstm_reference():
    model = build_rnn()
    x = np.random.default_rng(1).normal(size=(3, 100, 1)).astype("float32")
    kernel, recurrent_kernel, bias = model.layers[1].get_weights()
    xproj = np.ascontiguousarray((x @ kernel + bias).transpose(1, 0, 2))
    zeros = np.zeros((3, 10), np.float32)
    hs, _, _ = reference.lstm_sequence_forward(xproj, zeros, zeros, recurrent_kernel)
    (k1, b1), (k2, b2) = model.layers[2].get_weights(), model.layers[3].get_weights()
    expected = 1 / (1 + np.exp(-(np.maximum(hs[-1] @ k1 + b1, 0) @ k2 + b2)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-3, atol=1e-5)
