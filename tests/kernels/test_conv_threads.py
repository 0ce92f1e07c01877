"""Kernels split over threads (conv2d by images, dense by rows...) and the one-channel im2col give
the same results as the references."""
import numpy as np
import pytest

from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R
from minikeras.kernels import threads as T
from minikeras.kernels.reference.activations import activation

from .helpers import assert_close, rand


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("case", [
    dict(x=(5, 9, 8, 3), k=(3, 3, 3, 4), strides=(1, 1), padding="same", dilation=(1, 1), groups=1),
    dict(x=(4, 10, 7, 4), k=(2, 3, 2, 6), strides=(2, 1), padding="valid", dilation=(1, 2), groups=2),
    dict(x=(3, 6, 6, 4), k=(1, 1, 4, 5), strides=(2, 2), padding="valid", dilation=(1, 1), groups=1),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_batch_matches_reference(monkeypatch, threads, case, dtype):
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)  # split even these small convolutions
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", str(threads))
    assert len(T.batch_parts(case["x"][0], 1)) == min(threads, case["x"][0])
    rng = np.random.default_rng(0)
    x, kernel = rand(rng, case["x"], dtype), rand(rng, case["k"], dtype)
    bias = rand(rng, case["k"][3], dtype)
    geometry = (case["strides"], case["padding"], case["dilation"], case["groups"])
    y = F.conv2d_forward(x, kernel, *geometry, bias=bias, code=A.RELU)
    assert_close(y, np.maximum(R.conv2d_forward(x, kernel, *geometry) + bias, 0))
    dy = rand(rng, y.shape, dtype)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dy, *geometry)
    dx, dk = F.conv2d_backward(x, kernel, dy, *geometry)
    assert_close(dx, dx_ref)
    assert_close(dk, dk_ref)
    dx, dk = F.conv2d_backward(x, kernel, dy, *geometry, need_dx=False)
    assert dx is None
    assert_close(dk, dk_ref)


def test_small_convolutions_stay_in_one_thread(monkeypatch):
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", "4")
    assert T.batch_parts(8, 1e6) == [(0, 8)]
    assert T.batch_parts(8, 1e9) == [(0, 2), (2, 4), (4, 6), (6, 8)]
    assert T.batch_parts(3, 1e9) == [(0, 1), (1, 2), (2, 3)]


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_split_matches_reference(monkeypatch, threads, dtype):
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", str(threads))
    rng = np.random.default_rng(1)
    x, kernel, bias = rand(rng, (7, 5), dtype), rand(rng, (5, 4), dtype), rand(rng, 4, dtype)
    y = F.dense_forward(x, kernel, bias, A.TANH)
    assert_close(y, R.dense_forward(x, kernel, bias, A.TANH))
    dy = rand(rng, y.shape, dtype)
    for got, want in zip(F.dense_backward(x, kernel, y, dy, A.TANH, True),
                         R.dense_backward(x, kernel, y, dy, A.TANH, True)):
        assert_close(got, want)
    dx, dk, db = F.dense_backward(x, kernel, y, dy, A.TANH, True, need_dx=False)
    assert dx is None
    assert_close(dk, R.dense_backward(x, kernel, y, dy, A.TANH, True)[1])


@pytest.mark.parametrize("code", [A.RELU, A.SIGMOID, A.LINEAR])
def test_bias_activation_backward_split_matches_reference(monkeypatch, code):
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", "3")
    rng = np.random.default_rng(2)
    y = activation(rand(rng, (4, 5, 3, 6), np.float64), code)
    dy = rand(rng, y.shape, np.float64)
    dz, db = F.bias_activation_backward(y, dy, code, True)
    dz_ref, db_ref = R.bias_activation_backward(y, dy, code, True)
    assert_close(dz, dz_ref)
    assert_close(db, db_ref)


@pytest.mark.parametrize("pool,strides,padding", [(2, None, "valid"), (3, 2, "same"), ((2, 3), (1, 2), "valid")])
def test_max_pool_split_matches_reference(monkeypatch, pool, strides, padding):
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", "3")
    rng = np.random.default_rng(3)
    x = rand(rng, (5, 7, 8, 3), np.float32)
    y, argmax = F.max_pool2d_forward(x, pool, strides, padding)
    y_ref, argmax_ref = R.max_pool2d_forward(x, pool, strides, padding)
    assert_close(y, y_ref)
    np.testing.assert_array_equal(argmax, argmax_ref)
    dy = rand(rng, y.shape, np.float32)
    assert_close(F.max_pool2d_backward(dy, argmax, x.shape), R.max_pool2d_backward(dy, argmax, x.shape))


@pytest.mark.parametrize("strides,padding,dilation", [((1, 1), "valid", (1, 1)), ((2, 3), "same", (1, 1)),
                                                      ((1, 2), ((2, 0), (1, 3)), (2, 1)), ((3, 1), "same", (2, 2))])
def test_one_channel_input_matches_reference(strides, padding, dilation):
    """A one-channel input takes the transposed im2col (im2col.im2col_one_channel)."""
    rng = np.random.default_rng(4)
    x, kernel = rand(rng, (3, 11, 9, 1)), rand(rng, (3, 4, 1, 5))
    geometry = (strides, padding, dilation, 1)
    y = F.conv2d_forward(x, kernel, *geometry)
    assert_close(y, R.conv2d_forward(x, kernel, *geometry))
    dy = rand(rng, y.shape)
    for got, want in zip(F.conv2d_backward(x, kernel, dy, *geometry),
                         R.conv2d_backward(x, kernel, dy, *geometry)):
        assert_close(got, want)
