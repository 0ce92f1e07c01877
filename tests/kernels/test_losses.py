"""Loss kernels (mean squared error): fast against reference, the reference against finite
differences, and the loss functions on top of them."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minikeras as keras
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R

from .helpers import DTYPES, SOME, assert_close, check_directional_derivatives, rand


@SOME
@given(rows=st.integers(1, 40), n=st.integers(1, 70), dtype=st.sampled_from(DTYPES), per_row=st.booleans(),
       seed=st.integers(0, 2**16))
def test_mean_squared_error_matches_reference(rows, n, dtype, per_row, seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rand(rng, (rows, n), dtype), rand(rng, (rows, n), dtype, scale=3)
    values, diff = F.mean_squared_error_forward(y_true, y_pred)
    ref_values, ref_diff = R.mean_squared_error_forward(y_true, y_pred)
    assert values.dtype == dtype and values.shape == (rows,)
    assert_close(values, ref_values)
    assert_close(diff, ref_diff)
    g = rand(rng, (rows,), dtype) if per_row else dtype(0.37)
    for got, want in zip(F.mean_squared_error_backward(diff, g), R.mean_squared_error_backward(ref_diff, g)):
        assert got.dtype == dtype and got.shape == (rows, n)
        assert_close(got, want)


def test_long_float32_rows_keep_their_precision():
    """The fast kernel sums in float64: a row of 100,000 float32 squares is exact to float32's rounding."""
    rng = np.random.default_rng(0)
    y_pred = rng.random((2, 100_000), dtype=np.float32)
    y_true = np.zeros_like(y_pred)
    values, _ = F.mean_squared_error_forward(y_true, y_pred)
    exact = (y_pred.astype(np.float64) ** 2).mean(axis=1)
    np.testing.assert_allclose(values, exact, rtol=2e-7)


def test_reference_gradients_by_finite_differences():
    rng = np.random.default_rng(3)
    y_true, y_pred, weights = rand(rng, (4, 5)), rand(rng, (4, 5)), rand(rng, (4,))

    def loss(y_true, y_pred):
        return float(np.sum(R.mean_squared_error_forward(y_true, y_pred)[0] * weights))

    _, diff = R.mean_squared_error_forward(y_true, y_pred)
    g_true, g_pred = R.mean_squared_error_backward(diff, weights)
    check_directional_derivatives(loss, [y_true, y_pred], {0: g_true, 1: g_pred}, rng)


@pytest.mark.parametrize("shape", [(6, 3), (2, 4, 4, 3), (5, 1)])
def test_mean_squared_error_loss_on_the_kernel_path_matches_numpy(shape):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.random(shape, dtype=np.float32), rng.random(shape, dtype=np.float32)
    expected = ((y_pred - y_true) ** 2).mean(axis=-1)
    assert_close(keras.losses.mean_squared_error(y_true, y_pred), expected)
    loss = keras.losses.MeanSquaredError()
    weights = rng.random(shape[:1], dtype=np.float32)
    want = (expected.reshape(shape[0], -1).mean(axis=1) * weights).mean()
    assert_close(loss(y_true, y_pred, sample_weight=weights), want)


def test_mean_squared_error_gradient_through_the_tape():
    rng = np.random.default_rng(2)
    y_true = keras.Variable(rng.random((3, 4), dtype=np.float32))
    y_pred = keras.Variable(rng.random((3, 4), dtype=np.float32))
    from minikeras.ops.tape import GradientTape  # the tape is not a Keras name
    with GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y_true, y_pred)
    g_true, g_pred = tape.gradient(loss, [y_true, y_pred])
    diff = np.asarray(y_pred.value) - np.asarray(y_true.value)
    assert_close(g_pred.value, 2 * diff / diff.size)
    assert_close(g_true.value, -2 * diff / diff.size)


def test_large_outputs_take_the_kernel_and_small_ones_numpy(monkeypatch):
    from minikeras import kernels
    from minikeras.losses import kernels as loss_kernels
    calls = []
    forward = kernels.selected.mean_squared_error_forward
    monkeypatch.setattr(kernels.selected, "mean_squared_error_forward",
                        lambda *a: calls.append(a[1].shape) or forward(*a))
    rng = np.random.default_rng(4)
    for shape in [(4, 128, 128), (2, 3)]:
        y_true, y_pred = rng.random(shape, dtype=np.float32), rng.random(shape, dtype=np.float32)
        values, backward = loss_kernels.mean_squared_error_values(y_true, y_pred)
        assert_close(values, ((y_pred - y_true) ** 2).mean(axis=-1))
        g_true, g_pred = backward(np.float32(0.5))
        assert g_pred.shape == shape
        assert_close(g_pred, 0.5 * 2 * (y_pred - y_true) / shape[-1])
        assert_close(g_true, -g_pred)
    assert calls == [(512, 128)]
    assert 4 * 128 * 128 >= loss_kernels.KERNEL_MIN_SIZE > 6


def test_sample_weights_on_a_large_output_through_the_tape():
    """Per-sample weights reach the kernel's backward as (batch, 1) gradients, not one per row."""
    from minikeras.ops.tape import GradientTape  # the tape is not a Keras name
    rng = np.random.default_rng(6)
    shape = (4, 128, 128)
    y_true = rng.random(shape, dtype=np.float32)
    y_pred = keras.Variable(rng.random(shape, dtype=np.float32))
    weights = np.array([1.0, 0.5, 0.0, 2.0], np.float32)
    with GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    (g_pred,) = tape.gradient(loss, [y_pred])
    diff = np.asarray(y_pred.value) - y_true
    per_row = (diff ** 2).mean(axis=-1)                        # (4, 128)
    assert_close(loss.value, (per_row * weights[:, None]).mean())
    expected = 2 * diff / shape[-1] * weights[:, None, None] / per_row.size
    assert_close(g_pred.value, expected)
