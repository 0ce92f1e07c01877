"""ch05.lstm_step, ch05.lstm_forward, ch05.lstm_params: checked against minikeras
(minikeras.kernels.reference and .fast: its numpy reference and numba kernel; the LSTM layer)."""
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


def weights(seed, features, units, scale=0.5):
    rng = np.random.default_rng(seed)
    return (rng.normal(scale=scale, size=(features, 4 * units)).astype(np.float32),
            rng.normal(scale=scale, size=(units, 4 * units)).astype(np.float32),
            rng.normal(scale=scale, size=(4 * units,)).astype(np.float32))


def reference_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, kernel_fn):
    xproj = (x_t @ kernel + bias)[None]               # one time step, time-major (1, batch, 4u)
    hs, cs, _ = kernel_fn(xproj, h_prev, c_prev, recurrent_kernel)
    return hs[0], cs[0]


@pytest.mark.exercise("ch05.lstm_step", points=1, forbid=FORBID_LSTM)
def test_step_from_zero_states_matches_the_reference():
    kernel, recurrent_kernel, bias = weights(0, features=3, units=5)
    x_t = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    zeros = np.zeros((4, 5), np.float32)
    h, c = lstm_step(x_t, zeros, zeros, kernel, recurrent_kernel, bias)
    eh, ec = reference_step(x_t, zeros, zeros, kernel, recurrent_kernel, bias,
                            reference.lstm_sequence_forward)
    assert h.shape == (4, 5) and c.shape == (4, 5)
    np.testing.assert_allclose(c, ec, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, eh, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch05.lstm_step", points=1, forbid=FORBID_LSTM)
def test_step_from_given_states_matches_the_numba_kernel():
    kernel, recurrent_kernel, bias = weights(2, features=2, units=6)
    rng = np.random.default_rng(3)
    x_t = rng.normal(size=(7, 2)).astype(np.float32)
    h_prev = rng.normal(size=(7, 6)).astype(np.float32)
    c_prev = rng.normal(size=(7, 6)).astype(np.float32)
    h, c = lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
    eh, ec = reference_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias,
                            fast.lstm_sequence_forward)
    assert h.dtype == np.float32
    np.testing.assert_allclose(c, ec, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, eh, rtol=1e-5, atol=1e-5)


@pytest.mark.exercise("ch05.lstm_step", points=1, forbid=FORBID_LSTM)
def test_gate_order_is_i_f_c_o():
    """Only biases, one gate block at a time: each block must act as its gate."""
    units = 3
    kernel = np.zeros((1, 4 * units), np.float32)
    recurrent_kernel = np.zeros((units, 4 * units), np.float32)
    x_t = np.zeros((1, 1), np.float32)
    h_prev = np.zeros((1, units), np.float32)
    c_prev = np.full((1, units), 2.0, np.float32)
    for block in range(4):
        bias = np.zeros(4 * units, np.float32)
        bias[block * units:(block + 1) * units] = [-3.0, 1.0, 4.0]
        h, c = lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias)
        eh, ec = reference_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias,
                                reference.lstm_sequence_forward)
        np.testing.assert_allclose(c, ec, rtol=1e-5, atol=1e-6, err_msg=f"gate block {block} ('ifco'[{block}])")
        np.testing.assert_allclose(h, eh, rtol=1e-5, atol=1e-6, err_msg=f"gate block {block} ('ifco'[{block}])")


@pytest.mark.exercise("ch05.lstm_forward", points=1, forbid=FORBID_LSTM)
def test_forward_matches_an_lstm_layer():
    kernel, recurrent_kernel, bias = weights(4, features=1, units=10)
    x = np.random.default_rng(5).normal(size=(3, 20, 1)).astype(np.float32)
    layer = LSTM(10)
    layer.build((None, 20, 1))
    layer.set_weights([kernel, recurrent_kernel, bias])
    h = lstm_forward(x, kernel, recurrent_kernel, bias)
    assert h.shape == (3, 10)
    np.testing.assert_allclose(h, np.asarray(layer(x)), rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch05.lstm_forward", points=1, forbid=FORBID_LSTM)
def test_forward_returns_sequences_like_the_layer():
    kernel, recurrent_kernel, bias = weights(6, features=3, units=4)
    x = np.random.default_rng(7).normal(size=(2, 9, 3)).astype(np.float32)
    layer = LSTM(4, return_sequences=True)
    layer.build((None, 9, 3))
    layer.set_weights([kernel, recurrent_kernel, bias])
    hs = lstm_forward(x, kernel, recurrent_kernel, bias, return_sequences=True)
    assert hs.shape == (2, 9, 4)
    np.testing.assert_allclose(hs, np.asarray(layer(x)), rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch05.lstm_params", points=1)
def test_parameters_of_the_chapter_lstm_and_of_layers():
    assert lstm_params(1, 10) == 480
    for features, units in [(64, 32), (10, 10), (3, 1)]:
        layer = LSTM(units)
        layer.build((None, 5, features))
        assert lstm_params(features, units) == layer.count_params(), (features, units)
