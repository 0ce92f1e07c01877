import numpy as np
import pytest

from minikeras.kernels import fast, reference
from minikeras.layers import LSTM

from lstm_step import lstm_forward, lstm_params, lstm_step

# minikeras's LSTM kernels: a submission that uses them fails
FORBID_LSTM = [
    "minikeras.kernels.lstm.lstm_sequence_forward",
    "minikeras.kernels.reference.recurrent.lstm_sequence_forward",
    "minikeras.kernels.lstm._lstm_forward_kernel",
]


@pytest.mark.exercise("ch05.lstm_step", points=1, forbid=FORBID_LSTM)
def test_float64_saturated_gates():
    rng = np.random.default_rng(8)
    features, units, batch = 4, 3, 5
    kernel = rng.normal(scale=4, size=(features, 4 * units))
    recurrent_kernel = rng.normal(scale=4, size=(units, 4 * units))
    bias = rng.normal(scale=4, size=4 * units)
    x_t = rng.normal(size=(batch, features))
    h_prev, c_prev = rng.normal(size=(batch, units)), rng.normal(size=(batch, units))
    h, c = lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
    hs, cs, _ = reference.lstm_sequence_forward((x_t @ kernel + bias)[None], h_prev, c_prev,
                                                            recurrent_kernel)
    assert h.dtype == np.float64
    np.testing.assert_allclose(c, cs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, hs[0], rtol=1e-10, atol=1e-12)


@pytest.mark.exercise("ch05.lstm_forward", points=1, forbid=FORBID_LSTM)
def test_forward_over_a_long_sequence_matches_the_numba_kernel():
    rng = np.random.default_rng(9)
    kernel = rng.normal(scale=0.3, size=(2, 24)).astype(np.float32)
    recurrent_kernel = rng.normal(scale=0.3, size=(6, 24)).astype(np.float32)
    bias = rng.normal(scale=0.3, size=24).astype(np.float32)
    x = rng.normal(size=(4, 100, 2)).astype(np.float32)
    xproj = np.ascontiguousarray((x @ kernel + bias).transpose(1, 0, 2))
    zeros = np.zeros((4, 6), np.float32)
    hs, _, _ = fast.lstm_sequence_forward(xproj, zeros, zeros, recurrent_kernel)
    np.testing.assert_allclose(lstm_forward(x, kernel, recurrent_kernel, bias, return_sequences=True),
                               hs.transpose(1, 0, 2), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(lstm_forward(x, kernel, recurrent_kernel, bias), hs[-1], rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch05.lstm_params", points=1)
def test_more_parameter_counts():
    assert lstm_params(10, 10) == 840
    layer = LSTM(7)
    layer.build((None, None, 13))
    assert lstm_params(13, 7) == layer.count_params()
