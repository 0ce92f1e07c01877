"""Winograd F(2x2, 3x3): the numba transforms against their numpy specification, and whole
Winograd convolutions (forward, both gradients, bias + activation, thread split) against the
tap-by-tap reference convolution."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from minikeras.kernels import activation_codes as A
from minikeras.kernels import conv as conv_module
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R
from minikeras.kernels import threads as T
from minikeras.kernels import winograd as W
from minikeras.kernels.conv_geometry import conv2d_geometry
from minikeras.kernels.reference import winograd as RW
from minikeras.kernels.reference.activations import activation

from .helpers import DTYPES, SOME, assert_close, rand


def _geometry(x_shape, padding):
    _, _, pads, out_hw = conv2d_geometry("test", x_shape[1:3], (3, 3), (1, 1), padding, (1, 1))
    return pads, out_hw


# --------------------------------------------------------------------------- the algebra

def test_transform_matrices_compute_a_3x3_correlation():
    # y = AT [(G g G^T) * (BT d BT^T)] AT^T is the 2x2 'valid' correlation of d with g.
    rng = np.random.default_rng(0)
    d, g = rng.standard_normal((4, 4)), rng.standard_normal((3, 3))
    y = RW.AT @ ((RW.G @ g @ RW.G.T) * (RW.BT @ d @ RW.BT.T)) @ RW.AT.T
    direct = np.array([[np.sum(d[i:i + 3, j:j + 3] * g) for j in range(2)] for i in range(2)])
    np.testing.assert_allclose(y, direct, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- transforms

TILE_CASES = [((2, 7, 6, 3), "valid"), ((1, 9, 9, 4), "same"), ((3, 4, 5, 2), ((2, 1), (0, 3))),
              ((1, 3, 3, 1), "same"), ((2, 2, 2, 5), ((1, 1), (1, 1))), ((1, 6, 8, 2), ((0, 2), (3, 0)))]


def _grid(x_shape, padding):
    """(top pad, left pad, output size, tile rows, tile columns) of a 3x3 convolution."""
    ((pt, _), (pl, _)), out_hw = _geometry(x_shape, padding)
    th, tw = W.tile_grid(out_hw)
    return pt, pl, out_hw, th, tw


@pytest.mark.parametrize("x_shape,padding", TILE_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_input_and_output_transforms_match_the_specification(x_shape, padding, dtype):
    rng = np.random.default_rng(1)
    pt, pl, out_hw, th, tw = _grid(x_shape, padding)
    x = rand(rng, x_shape, dtype)
    rows = x_shape[0] * th * tw + 3  # spare rows, as the driver's buffers have: left alone
    V, V_ref = np.full((16, rows, x_shape[3]), 7, dtype), np.full((16, rows, x_shape[3]), 7, dtype)
    W.input_transform(x, pt, pl, th, tw, V)
    RW.input_transform(x, pt, pl, th, tw, V_ref)
    assert_close(V, V_ref)
    assert np.all(V[:, -3:] == 7)
    M = rand(rng, (16, rows, 5), dtype)
    y, y_ref = np.zeros((x_shape[0],) + out_hw + (5,), dtype), np.zeros((x_shape[0],) + out_hw + (5,), dtype)
    W.output_transform(M, th, tw, y)
    RW.output_transform(M, th, tw, y_ref)
    assert_close(y, y_ref)


@pytest.mark.parametrize("x_shape,padding", TILE_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gradient_transforms_match_the_specification(x_shape, padding, dtype):
    rng = np.random.default_rng(2)
    pt, pl, out_hw, th, tw = _grid(x_shape, padding)
    rows = x_shape[0] * th * tw + 1
    dy = rand(rng, (x_shape[0],) + out_hw + (5,), dtype)
    D, D_ref = np.zeros((16, rows, 5), dtype), np.zeros((16, rows, 5), dtype)
    W.dy_transform(dy, th, tw, D)
    RW.dy_transform(dy, th, tw, D_ref)
    assert_close(D, D_ref)
    dV = rand(rng, (16, rows, x_shape[3]), dtype)
    start = rand(rng, x_shape, dtype)  # dx_transform adds onto what is there
    dx, dx_ref = start.copy(), start.copy()
    W.dx_transform(dV, pt, pl, th, tw, dx)
    RW.dx_transform(dV, pt, pl, th, tw, dx_ref)
    assert_close(dx, dx_ref)


@pytest.mark.parametrize("x_shape,padding", TILE_CASES[:3])
def test_dx_transform_is_the_adjoint_of_input_transform(x_shape, padding):
    # <input_transform(x), v> == <x, dx_transform(v)>, the identity backward relies on
    rng = np.random.default_rng(3)
    pt, pl, _, th, tw = _grid(x_shape, padding)
    x, v = rand(rng, x_shape), rand(rng, (16, x_shape[0] * th * tw, x_shape[3]))
    V, back = np.zeros_like(v), np.zeros(x_shape)
    W.input_transform(x, pt, pl, th, tw, V)
    W.dx_transform(v, pt, pl, th, tw, back)
    assert np.vdot(V, v) == pytest.approx(np.vdot(x, back), rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cin,cout", [(1, 1), (3, 5), (8, 2)])
def test_kernel_transforms_match_the_specification(dtype, cin, cout):
    rng = np.random.default_rng(4)
    kernel, dU = rand(rng, (3, 3, cin, cout), dtype), rand(rng, (16, cin, cout), dtype)
    U, U_ref = np.empty((16, cin, cout), dtype), np.empty((16, cin, cout), dtype)
    W.kernel_transform(kernel, U)
    RW.kernel_transform(kernel, U_ref)
    assert_close(U, U_ref)
    dk, dk_ref = np.empty((3, 3, cin, cout), dtype), np.empty((3, 3, cin, cout), dtype)
    W.kernel_gradient_transform(dU, dk)
    RW.kernel_gradient_transform(dU, dk_ref)
    assert_close(dk, dk_ref)
    assert U.dtype == dk.dtype == dtype


# --------------------------------------------------------------------------- whole convolutions

def _check_convolution(x_shape, cout, padding, dtype, code, rng, need_dx=True):
    """Winograd forward (with bias + activation) and backward against the tap-by-tap reference."""
    pads, out_hw = _geometry(x_shape, padding)
    x, kernel, bias = rand(rng, x_shape, dtype), rand(rng, (3, 3, x_shape[3], cout), dtype), rand(rng, cout, dtype)
    y = W.winograd_forward(x, kernel, out_hw, pads, bias, code)
    assert y.dtype == dtype
    assert_close(y, activation(R.conv2d_forward(x, kernel, (1, 1), padding) + bias, code))
    dy = rand(rng, y.shape, dtype)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dy, (1, 1), padding)
    dx, dk = W.winograd_backward(x, kernel, dy, pads, need_dx)
    assert_close(dk, dk_ref)
    if need_dx:
        assert_close(dx, dx_ref)
    else:
        assert dx is None


@pytest.mark.parametrize("x_shape,cout,padding", [
    ((2, 7, 6, 3), 4, "valid"), ((3, 9, 9, 5), 2, "same"), ((1, 4, 5, 2), 3, ((2, 1), (0, 3))),
    ((1, 3, 3, 1), 1, "same"), ((1, 3, 3, 2), 2, "valid"), ((2, 8, 8, 4), 3, "same"),
])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", [A.LINEAR, A.RELU, A.TANH])
def test_winograd_convolution_matches_reference(x_shape, cout, padding, dtype, code):
    _check_convolution(x_shape, cout, padding, dtype, code, np.random.default_rng(5))


@pytest.mark.parametrize("dtype", DTYPES)
def test_several_chunks_and_a_partial_last_chunk(monkeypatch, dtype):
    # 7 images of 5x5 tiles in chunks of 2 images: chunks 2, 2, 2, 1; the first layer's case too
    monkeypatch.setattr(W, "CHUNK_BYTES", 2 * 16 * 25 * 6 * np.dtype(dtype).itemsize)
    rng = np.random.default_rng(6)
    _check_convolution((7, 10, 9, 6), 4, "same", dtype, A.RELU, rng)
    _check_convolution((7, 10, 9, 6), 4, "same", dtype, A.LINEAR, rng, need_dx=False)


@given(n=st.integers(1, 4), h=st.integers(1, 11), w=st.integers(1, 11), cin=st.integers(1, 6),
       cout=st.integers(1, 6), padding=st.one_of(st.sampled_from(["valid", "same"]),
                                                  st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                                            st.tuples(st.integers(0, 3), st.integers(0, 3)))),
       dtype=st.sampled_from(DTYPES))
@SOME
def test_winograd_convolution_matches_reference_for_any_shape(n, h, w, cin, cout, padding, dtype):
    pad_hw = [(1, 1), (1, 1)] if padding == "same" else ([(0, 0), (0, 0)] if padding == "valid" else padding)
    assume(h + sum(pad_hw[0]) >= 3 and w + sum(pad_hw[1]) >= 3)  # else no output (conv2d_geometry refuses)
    _check_convolution((n, h, w, cin), cout, padding, dtype, A.RELU, np.random.default_rng(7))


# --------------------------------------------------------------------------- through conv2d

def test_the_rule_selects_only_3x3_stride_1_convolutions_with_enough_work():
    big = 1e9
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), big)
    assert W.use_winograd((3, 3, 32, 64), (1, 1), (1, 1), 1, (28, 28), big)
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (7, 7), big)
    assert not W.use_winograd((3, 3, 3, 32), (1, 1), (1, 1), 1, (30, 30), big)     # RGB input
    assert not W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (3, 3), big)      # 16 pixels for 9
    assert not W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), 6e6)      # one image
    assert not W.use_winograd((3, 3, 64, 64), (2, 1), (1, 1), 1, (9, 9), big)
    assert not W.use_winograd((3, 3, 64, 64), (1, 1), (2, 2), 1, (9, 9), big)
    assert not W.use_winograd((3, 3, 32, 64), (1, 1), (1, 1), 2, (9, 9), big)
    assert not W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 1, (9, 9), big)


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding", ["same", "valid", ((0, 2), (1, 0))])
def test_conv2d_runs_winograd_per_thread_part(monkeypatch, threads, dtype, padding):
    # The rule's limits lowered so that these small convolutions take the Winograd path in
    # conv2d_forward/backward (checked by counting calls), split over 1-3 threads.
    monkeypatch.setattr(W, "MIN_CHANNELS", 1)
    monkeypatch.setattr(W, "MIN_FLOPS", 0)
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", str(threads))
    calls = []
    for name in ("winograd_forward", "winograd_backward"):
        original = getattr(conv_module, name)
        monkeypatch.setattr(conv_module, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    transform = W.kernel_transform
    monkeypatch.setattr(W, "kernel_transform", lambda *a: calls.append("kernel_transform") or transform(*a))
    rng = np.random.default_rng(8)
    x, kernel, bias = rand(rng, (5, 8, 7, 3), dtype), rand(rng, (3, 3, 3, 4), dtype), rand(rng, 4, dtype)
    y = F.conv2d_forward(x, kernel, (1, 1), padding, bias=bias, code=A.RELU)
    assert_close(y, np.maximum(R.conv2d_forward(x, kernel, (1, 1), padding) + bias, 0))
    dy = rand(rng, y.shape, dtype)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dy, (1, 1), padding)
    dx, dk = F.conv2d_backward(x, kernel, dy, (1, 1), padding)
    assert_close(dx, dx_ref)
    assert_close(dk, dk_ref)
    dx, dk = F.conv2d_backward(x, kernel, dy, (1, 1), padding, need_dx=False)
    assert dx is None
    assert_close(dk, dk_ref)
    assert calls.count("winograd_forward") == threads and calls.count("winograd_backward") == 2 * threads
    # the kernel is transformed once per call, before the split, not once per part
    # (forward, backward with dx; backward without dx needs no transformed kernel)
    assert calls.count("kernel_transform") == 2


def test_conv2d_keeps_im2col_where_the_rule_says_so(monkeypatch):
    calls = []
    monkeypatch.setattr(conv_module, "winograd_forward", lambda *a, **k: calls.append(a))
    rng = np.random.default_rng(9)
    x, kernel = rand(rng, (2, 6, 6, 3), np.float32), rand(rng, (3, 3, 3, 4), np.float32)
    assert_close(F.conv2d_forward(x, kernel, (1, 1), "same"), R.conv2d_forward(x, kernel, (1, 1), "same"))
    assert calls == []
