"""Winograd F(m x m, r x r), m = 2, 3, 4 for 3x3 kernels and m = 2, 3 for 4x4 kernels: the
transform matrices, the numba transforms against their numpy specification, and whole
Winograd convolutions (forward, both gradients, bias + activation, thread split) against the
tap-by-tap reference convolution."""
import inspect
from fractions import Fraction

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

SIZES = sorted(RW.MATRICES)  # (m, r): F(m x m, r x r)

# float32 tolerance of a whole convolution against the float64 reference, per (m, r)
# (relative to the largest value, as assert_close scales it). Measured on the cases below
# and layers of the toy ResNet's and the seed CNN's shapes (up to 128 channels), largest
# error of forward, dx and dkernel: (2, 3) 5.7e-7, (3, 3) 4.5e-6, (4, 3) 2.9e-6,
# (2, 4) 4.3e-6, (3, 4) 2.1e-6. float64 keeps assert_close's 1e-9.
FLOAT32_RTOL = {(2, 3): 1e-5, (3, 3): 5e-5, (4, 3): 5e-5, (2, 4): 5e-5, (3, 4): 5e-5}


def _rtol(m, r, dtype):
    return FLOAT32_RTOL[m, r] if np.dtype(dtype) == np.float32 else None


def _geometry(x_shape, padding, r=3):
    _, _, pads, out_hw = conv2d_geometry("test", x_shape[1:3], (r, r), (1, 1), padding, (1, 1))
    return pads, out_hw


# --------------------------------------------------------------------------- the algebra

@pytest.mark.parametrize("m,r", SIZES)
def test_transform_matrices_compute_an_r_by_r_correlation(m, r):
    # y = AT [(G g G^T) * (BT d BT^T)] AT^T is the m x m 'valid' correlation of d with g.
    BT, G, AT = RW.MATRICES[m, r]
    n = m + r - 1
    assert BT.shape == (n, n) and G.shape == (n, r) and AT.shape == (m, n)
    rng = np.random.default_rng(0)
    d, g = rng.standard_normal((n, n)), rng.standard_normal((r, r))
    y = AT @ ((G @ g @ G.T) * (BT @ d @ BT.T)) @ AT.T
    direct = np.array([[np.sum(d[i:i + r, j:j + r] * g) for j in range(m)] for i in range(m)])
    np.testing.assert_allclose(y, direct, rtol=1e-12, atol=1e-12)


def _inverse(rows):
    """The inverse of a square matrix of Fractions (Gauss-Jordan, exact)."""
    size = len(rows)
    work = [list(row) + [Fraction(int(i == j)) for j in range(size)] for i, row in enumerate(rows)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if work[r][col] != 0)
        work[col], work[pivot] = work[pivot], work[col]
        work[col] = [v / work[col][col] for v in work[col]]
        for r in range(size):
            if r != col and work[r][col] != 0:
                work[r] = [a - work[r][col] * b for a, b in zip(work[r], work[col])]
    return [row[size:] for row in work]


def _toom_cook(m, r, points):
    """(BT, G, AT) of F(m, r) from its finite interpolation points, exactly: the construction
    reference/winograd.py describes next to POINTS."""
    n = m + r - 1
    a = [Fraction(p) for p in points]
    assert len(a) == n - 1
    f = [np.prod([a[j] - a[l] for l in range(n - 1) if l != j]) for j in range(n - 1)]
    f[0] = abs(f[0])
    AT = [[a[j] ** i for j in range(n - 1)] + [Fraction(int(i == m - 1))] for i in range(m)]
    G = [[a[j] ** k / f[j] for k in range(r)] for j in range(n - 1)] + [[Fraction(int(k == r - 1)) for k in range(r)]]
    inverse = _inverse([[a[j] ** p for j in range(n - 1)] for p in range(n - 1)])
    BT = [[f[j] * inverse[j][l] for l in range(n - 1)] + [Fraction(0)] for j in range(n - 1)]
    BT.append([Fraction(int(l == n - 1)) - sum(a[j] ** (n - 1) * inverse[j][l] for j in range(n - 1))
               if l < n - 1 else Fraction(1) for l in range(n)])
    return BT, G, AT


def test_every_kernel_size_has_its_tile_sizes():
    assert RW.MATRICES.keys() == RW.POINTS.keys() == {(2, 3), (3, 3), (4, 3), (2, 4), (3, 4)}
    assert W.TILE_SIZES == RW.TILE_SIZES == {3: (2, 3, 4), 4: (2, 3)}


@pytest.mark.parametrize("m,r", SIZES)
def test_matrices_follow_from_their_points(m, r):
    BT, G, AT = _toom_cook(m, r, RW.POINTS[m, r])
    n = m + r - 1
    # exact: sum over j of AT[i, j] G[j, k] BT[j, l] is 1 where l = i + k, else 0
    for i in range(m):
        for k in range(r):
            for l in range(n):
                assert sum(AT[i][j] * G[j][k] * BT[j][l] for j in range(n)) == int(l == i + k)
    for derived, stored in zip((BT, G, AT), RW.MATRICES[m, r]):
        assert np.array_equal(np.array(derived, dtype=float), stored)


@pytest.mark.parametrize("m,r", SIZES)
def test_every_row_of_a_transform_matrix_fits_the_numba_passes(m, r):
    # the numba passes (winograd._combine) sum at most MAX_TERMS coefficients; G is used by
    # numpy's matmul, which takes any
    BT, _, AT = RW.MATRICES[m, r]
    for matrix in (BT, BT.T, AT, AT.T):
        assert matrix.shape[1] <= W.MAX_TERMS


@pytest.mark.parametrize("terms", range(1, 7))
@pytest.mark.parametrize("dtype", DTYPES)
def test_one_sweep_sums_as_the_nonzero_terms_one_by_one(terms, dtype):
    """_combine adds every coefficient in one sweep, zeros included: for finite values the
    same bits as adding the nonzero terms one after the other, in order."""
    rng = np.random.default_rng(terms)
    count, stride = 37, 41
    coefs = rng.choice([0.0, 1.0, -1.0, 0.5, -2.0, 1.5], size=terms).astype(dtype)
    src = rng.standard_normal(stride * terms + count).astype(dtype)
    dst = np.full(count + 3, 7, dtype)
    W._combine(dst, np.uint64(2), coefs, src, np.uint64(0), np.uint64(stride), np.uint64(count))
    expected = np.zeros(count, dtype)
    for k in np.flatnonzero(coefs):
        expected = expected + coefs[k] * src[k * stride:k * stride + count]
    np.testing.assert_array_equal(dst[2:2 + count], expected)
    assert dst[0] == dst[1] == dst[-1] == 7  # nothing outside the run


def test_tile_shape_is_read_from_the_planes_and_m_or_r():
    # 25 and 36 planes are made by two algorithms each: m or r says which
    assert [RW.tile_shape(p, m=2) for p in (16, 25)] == [(2, 3), (2, 4)]
    assert [RW.tile_shape(p, m=3) for p in (25, 36)] == [(3, 3), (3, 4)]
    assert RW.tile_shape(36, m=4) == (4, 3)
    assert [RW.tile_shape(p, r=4) for p in (25, 36)] == [(2, 4), (3, 4)]
    assert [RW.tile_shape(p, r=3) for p in (16, 25, 36)] == [(2, 3), (3, 3), (4, 3)]
    with pytest.raises(ValueError, match="49 transformed planes with m=2"):
        RW.tile_shape(49, m=2)
    with pytest.raises(ValueError, match="16 transformed planes with r=4"):
        RW.tile_shape(16, r=4)
    with pytest.raises(ValueError, match="24 transformed planes"):
        RW.tile_shape(24, m=2)
    with pytest.raises(ValueError, match="tile size m=5 for a 3x3 kernel"):
        W.winograd_forward(np.zeros((1, 7, 7, 1)), np.zeros((3, 3, 1, 1)), 5, (5, 5), ((0, 0), (0, 0)))
    with pytest.raises(ValueError, match="tile size m=4 for a 4x4 kernel"):
        W.winograd_forward(np.zeros((1, 7, 7, 1)), np.zeros((4, 4, 1, 1)), 4, (4, 4), ((0, 0), (0, 0)))
    with pytest.raises(ValueError, match="tile size m=2 for a 5x5 kernel"):
        W.winograd_forward(np.zeros((1, 7, 7, 1)), np.zeros((5, 5, 1, 1)), 2, (3, 3), ((0, 0), (0, 0)))


# --------------------------------------------------------------------------- transforms

TILE_CASES = [((2, 7, 6, 3), "valid"), ((1, 9, 9, 4), "same"), ((3, 4, 5, 2), ((2, 1), (0, 3))),
              ((1, 3, 3, 1), "same"), ((2, 2, 2, 5), ((1, 1), (1, 1))), ((1, 6, 8, 2), ((0, 2), (3, 0))),
              ((2, 14, 14, 3), "valid"), ((1, 11, 10, 2), "same")]


def _grid(x_shape, padding, m, r):
    """(top pad, left pad, output size, tile rows, tile columns) of an r x r convolution."""
    ((pt, _), (pl, _)), out_hw = _geometry(x_shape, padding, r)
    th, tw = W.tile_grid(out_hw, m)
    return pt, pl, out_hw, th, tw


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("x_shape,padding", TILE_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_input_and_output_transforms_match_the_specification(m, r, x_shape, padding, dtype):
    rng = np.random.default_rng(1)
    planes = (m + r - 1) ** 2
    pt, pl, out_hw, th, tw = _grid(x_shape, padding, m, r)
    x = rand(rng, x_shape, dtype)
    rows = x_shape[0] * th * tw + 3  # spare rows, as the driver's buffers have: left alone
    V, V_ref = np.full((planes, rows, x_shape[3]), 7, dtype), np.full((planes, rows, x_shape[3]), 7, dtype)
    W.input_transform(x, pt, pl, m, th, tw, V)
    RW.input_transform(x, pt, pl, m, th, tw, V_ref)
    assert_close(V, V_ref)
    assert np.all(V[:, -3:] == 7)
    M = rand(rng, (planes, rows, 5), dtype)
    y, y_ref = np.zeros((x_shape[0],) + out_hw + (5,), dtype), np.zeros((x_shape[0],) + out_hw + (5,), dtype)
    W.output_transform(M, m, th, tw, y)
    RW.output_transform(M, m, th, tw, y_ref)
    assert_close(y, y_ref)


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("x_shape,padding", TILE_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gradient_transforms_match_the_specification(m, r, x_shape, padding, dtype):
    rng = np.random.default_rng(2)
    planes = (m + r - 1) ** 2
    pt, pl, out_hw, th, tw = _grid(x_shape, padding, m, r)
    rows = x_shape[0] * th * tw + 1
    dy = rand(rng, (x_shape[0],) + out_hw + (5,), dtype)
    D, D_ref = np.full((planes, rows, 5), 7, dtype), np.full((planes, rows, 5), 7, dtype)
    W.dy_transform(dy, m, th, tw, D)
    RW.dy_transform(dy, m, th, tw, D_ref)
    assert_close(D, D_ref)
    assert np.all(D[:, -1:] == 7)
    dV = rand(rng, (planes, rows, x_shape[3]), dtype)
    start = rand(rng, x_shape, dtype)  # dx_transform adds onto what is there
    dx, dx_ref = start.copy(), start.copy()
    W.dx_transform(dV, pt, pl, m, th, tw, dx)
    RW.dx_transform(dV, pt, pl, m, th, tw, dx_ref)
    assert_close(dx, dx_ref)


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("x_shape,padding", TILE_CASES[:3] + TILE_CASES[-2:])
def test_dx_transform_is_the_adjoint_of_input_transform(m, r, x_shape, padding):
    # <input_transform(x), v> == <x, dx_transform(v)>, the identity backward relies on
    rng = np.random.default_rng(3)
    pt, pl, _, th, tw = _grid(x_shape, padding, m, r)
    x, v = rand(rng, x_shape), rand(rng, ((m + r - 1) ** 2, x_shape[0] * th * tw, x_shape[3]))
    V, back = np.zeros_like(v), np.zeros(x_shape)
    W.input_transform(x, pt, pl, m, th, tw, V)
    W.dx_transform(v, pt, pl, m, th, tw, back)
    assert np.vdot(V, v) == pytest.approx(np.vdot(x, back), rel=1e-12)


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("x_shape,padding", TILE_CASES[:3] + TILE_CASES[-2:])
def test_dy_transform_is_the_adjoint_of_output_transform(m, r, x_shape, padding):
    # <output_transform(M), e> == <M, dy_transform(e)>: dyhat is the gradient of M
    rng = np.random.default_rng(10)
    _, _, out_hw, th, tw = _grid(x_shape, padding, m, r)
    M, e = rand(rng, ((m + r - 1) ** 2, x_shape[0] * th * tw, 3)), rand(rng, (x_shape[0],) + out_hw + (3,))
    y, back = np.zeros_like(e), np.zeros_like(M)
    W.output_transform(M, m, th, tw, y)
    W.dy_transform(e, m, th, tw, back)
    assert np.vdot(y, e) == pytest.approx(np.vdot(M, back), rel=1e-12)


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cin,cout", [(1, 1), (3, 5), (8, 2)])
def test_kernel_transforms_match_the_specification(m, r, dtype, cin, cout):
    rng = np.random.default_rng(4)
    planes = (m + r - 1) ** 2
    kernel, dU = rand(rng, (r, r, cin, cout), dtype), rand(rng, (planes, cin, cout), dtype)
    U, U_ref = np.empty((planes, cin, cout), dtype), np.empty((planes, cin, cout), dtype)
    W.kernel_transform(kernel, U)
    RW.kernel_transform(kernel, U_ref)
    assert_close(U, U_ref)
    dk, dk_ref = np.empty((r, r, cin, cout), dtype), np.empty((r, r, cin, cout), dtype)
    W.kernel_gradient_transform(dU, dk)
    RW.kernel_gradient_transform(dU, dk_ref)
    assert_close(dk, dk_ref)
    assert U.dtype == dk.dtype == dtype


# --------------------------------------------------------------------------- whole convolutions

def _check_convolution(x_shape, cout, padding, dtype, code, rng, m, r=3, need_dx=True):
    """Winograd forward (with bias + activation) and backward, without and with the activation,
    against the tap-by-tap reference."""
    pads, out_hw = _geometry(x_shape, padding, r)
    rtol = _rtol(m, r, dtype)
    x, kernel, bias = rand(rng, x_shape, dtype), rand(rng, (r, r, x_shape[3], cout), dtype), rand(rng, cout, dtype)
    y = W.winograd_forward(x, kernel, m, out_hw, pads, bias, code)
    assert y.dtype == dtype
    assert_close(y, activation(R.conv2d_forward(x, kernel, (1, 1), padding) + bias, code), rtol=rtol)
    dy = rand(rng, y.shape, dtype)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dy, (1, 1), padding)
    dx, dk = W.winograd_backward(x, kernel, dy, m, pads, need_dx)
    assert_close(dk, dk_ref, rtol=rtol)
    if need_dx:
        assert_close(dx, dx_ref, rtol=rtol)
    else:
        assert dx is None
    # with the activation's backward pass inside the loop: dy is now dL/dy of the output y
    dz, db_ref = R.bias_activation_backward(y, dy, code, True)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dz, (1, 1), padding)
    dx, dk, db = W.winograd_activation_backward(x, kernel, y, dy, code, True, m, pads, need_dx)
    assert dk.dtype == db.dtype == dtype
    assert_close(dk, dk_ref, rtol=rtol)
    assert_close(db, db_ref)
    if need_dx:
        assert_close(dx, dx_ref, rtol=rtol)
    else:
        assert dx is None


# odd, even and exact-fit output sizes for every m: 4x5, 9x9 (3x3 tiles of 3), 8x8 (2x2
# tiles of 4), 1x1, 12x12 (fits 2, 3 and 4), 7x7; 'same', 'valid' and explicit pads
CONVOLUTIONS = [
    ((2, 7, 6, 3), 4, "valid"), ((3, 9, 9, 5), 2, "same"), ((1, 4, 5, 2), 3, ((2, 1), (0, 3))),
    ((1, 3, 3, 1), 1, "same"), ((1, 3, 3, 2), 2, "valid"), ((2, 8, 8, 4), 3, "same"),
    ((2, 14, 14, 6), 5, "valid"), ((1, 9, 9, 16), 8, "valid"),
]
# the same for 4x4 kernels ('same' pads 1 before and 2 after): 5x4, 9x9 (3x3 tiles of 3),
# 6x7, 1x1, 4x4, 8x8 (4x4 tiles of 2), 12x12 (fits 2 and 3), 9x9, 7x5
CONVOLUTIONS4 = [
    ((2, 8, 7, 3), 4, "valid"), ((3, 9, 9, 5), 2, "same"), ((1, 5, 6, 2), 3, ((2, 1), (0, 3))),
    ((1, 4, 4, 1), 1, "valid"), ((1, 4, 4, 2), 2, "same"), ((2, 11, 11, 4), 3, "valid"),
    ((2, 15, 15, 6), 5, "valid"), ((1, 12, 12, 16), 8, "valid"), ((1, 8, 8, 3), 2, ((0, 2), (3, 0))),
]
CONVOLUTION_CASES = [(m, r) + case for m, r in SIZES for case in (CONVOLUTIONS if r == 3 else CONVOLUTIONS4)]


@pytest.mark.parametrize("m,r,x_shape,cout,padding", CONVOLUTION_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", [A.LINEAR, A.RELU, A.TANH])
def test_winograd_convolution_matches_reference(m, r, x_shape, cout, padding, dtype, code):
    _check_convolution(x_shape, cout, padding, dtype, code, np.random.default_rng(5), m, r)


ACTIVATIONS = [A.LINEAR, A.RELU, A.SIGMOID, A.TANH, A.HARD_SIGMOID, A.SOFTMAX]


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", ACTIVATIONS)
def test_every_activation_is_applied_inside_the_winograd_loop(m, r, dtype, code):
    # forward_chunks applies the bias and the activation chunk by chunk: every code the layers
    # fuse (softmax, over the channels, too), in several chunks with a partial last one
    rng = np.random.default_rng(13)
    x, kernel, bias = rand(rng, (5, 9, 8, 6), dtype), rand(rng, (r, r, 6, 7), dtype), rand(rng, 7, dtype)
    pads, out_hw = _geometry(x.shape, "same", r)
    th, tw = W.tile_grid(out_hw, m)
    saved = W.CHUNK_BYTES
    W.CHUNK_BYTES = 2 * (m + r - 1) ** 2 * th * tw * 7 * np.dtype(dtype).itemsize  # 2 images per chunk
    try:
        y = W.winograd_forward(x, kernel, m, out_hw, pads, bias, code)
    finally:
        W.CHUNK_BYTES = saved
    assert_close(y, activation(R.conv2d_forward(x, kernel, (1, 1), "same") + bias, code), rtol=_rtol(m, r, dtype))


@pytest.mark.parametrize("m", RW.TILE_SIZES[4])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("code", [A.LINEAR, A.RELU])
def test_the_seed_cnns_second_layer_matches_reference(m, dtype, code):
    # 30x30x32 -> 27x27x16 with a 4x4 kernel: 9x9 tiles of 3, 14x14 tiles of 2 (28x28 computed).
    # Not with tanh: its outputs are at most 1, and assert_close measures the error against
    # them, while the sums of 512 products before it are about 20 times larger.
    _check_convolution((2, 30, 30, 32), 16, "valid", dtype, code, np.random.default_rng(11), m, 4)


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_several_chunks_and_a_partial_last_chunk(monkeypatch, m, r, dtype):
    # 7 images of 5x5 tiles (m = 2; fewer for larger m) in chunks of 2 images: chunks 2, 2, 2,
    # 1; the first layer's case too
    pads, out_hw = _geometry((7, 10, 9, 6), "same", r)
    th, tw = W.tile_grid(out_hw, m)
    monkeypatch.setattr(W, "CHUNK_BYTES", 2 * (m + r - 1) ** 2 * th * tw * 6 * np.dtype(dtype).itemsize)
    rng = np.random.default_rng(6)
    _check_convolution((7, 10, 9, 6), 4, "same", dtype, A.RELU, rng, m, r)
    _check_convolution((7, 10, 9, 6), 4, "same", dtype, A.LINEAR, rng, m, r, need_dx=False)


def test_a_parts_chunk_loop_is_one_call_that_never_takes_the_gil():
    # winograd.py: a thread's part runs its chunks inside one numba call, so the two parts of
    # a split convolution do not wait for each other's GIL between chunks
    for loop in (W.forward_chunks, W.backward_chunks):
        assert loop.targetoptions.get("nogil") is True
    for python in (W.forward_call, W.winograd_forward, W.backward_call, W.winograd_backward, conv_module.conv2d_forward,
                   conv_module.conv2d_backward):
        assert "for b0 in range" not in inspect.getsource(python)  # no chunk loop left in Python


@given(n=st.integers(1, 4), h=st.integers(1, 14), w=st.integers(1, 14), cin=st.integers(1, 6),
       cout=st.integers(1, 6), padding=st.one_of(st.sampled_from(["valid", "same"]),
                                                  st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                                            st.tuples(st.integers(0, 3), st.integers(0, 3)))),
       dtype=st.sampled_from(DTYPES), sizes=st.sampled_from(SIZES))
@SOME
def test_winograd_convolution_matches_reference_for_any_shape(n, h, w, cin, cout, padding, dtype, sizes):
    m, r = sizes
    pad_hw = [(1, r - 2), (1, r - 2)] if padding == "same" else ([(0, 0), (0, 0)] if padding == "valid" else padding)
    assume(h + sum(pad_hw[0]) >= r and w + sum(pad_hw[1]) >= r)  # else no output (conv2d_geometry refuses)
    _check_convolution((n, h, w, cin), cout, padding, dtype, A.RELU, np.random.default_rng(7), m, r)


# --------------------------------------------------------------------------- through conv2d

def test_the_rule_selects_only_3x3_and_4x4_stride_1_convolutions_with_enough_work():
    big = 1e9
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), big) == 3      # 3x3 tiles of 3
    assert W.use_winograd((3, 3, 32, 64), (1, 1), (1, 1), 1, (28, 28), big) == 4    # 7x7 tiles of 4
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (7, 7), big) == 4      # 2x2 tiles of 4
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (3, 3), big) == 3      # one tile
    assert W.use_winograd((3, 3, 8, 8), (1, 1), (1, 1), 1, (2, 2), big) == 2        # one tile
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (12, 12), big) == 4
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (1, 1), big) is None   # 16 multiplications for 1
    assert W.use_winograd((3, 3, 3, 32), (1, 1), (1, 1), 1, (30, 30), big) is None  # RGB input
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), 6e6) is None   # one image
    assert W.use_winograd((3, 3, 64, 64), (2, 1), (1, 1), 1, (9, 9), big) is None
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (2, 2), 1, (9, 9), big) is None
    assert W.use_winograd((3, 3, 32, 64), (1, 1), (1, 1), 2, (9, 9), big) is None
    assert W.use_winograd((4, 4, 32, 16), (1, 1), (1, 1), 1, (27, 27), 2e8, False) == 3  # the seed CNN: 9x9 tiles of 3
    assert W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 1, (4, 4), big, False) == 2      # 2x2 tiles of 2 (3: 6x6)
    assert W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 1, (5, 5), big, False) == 3      # 2x2 tiles of 3 (2: 6x6)
    assert W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 1, (3, 3), big, False) == 3      # one tile
    assert W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 1, (1, 1), big, False) is None  # 25 multiplications for 1
    assert W.use_winograd((4, 4, 4, 16), (1, 1), (1, 1), 1, (27, 27), big, False) is None  # few input channels
    assert W.use_winograd((4, 4, 64, 64), (2, 2), (1, 1), 1, (9, 9), big, False) is None
    assert W.use_winograd((4, 4, 64, 64), (1, 1), (1, 1), 2, (9, 9), big, False) is None
    assert W.use_winograd((4, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), big, False) is None   # not square
    assert W.use_winograd((5, 5, 64, 64), (1, 1), (1, 1), 1, (9, 9), big) is None   # no matrices for 5x5
    assert W.use_winograd((2, 2, 64, 64), (1, 1), (1, 1), 1, (9, 9), big) is None


@pytest.mark.parametrize("r", sorted(RW.TILE_SIZES))
def test_the_rule_picks_the_tile_size_of_least_work(r):
    assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (10, 10), 1e9) == 2    # m = 4 computes 12x12
    for out_hw in [(h, w) for h in range(1, 30) for w in range(1, 30)]:
        m = W.use_winograd((r, r, 64, 64), (1, 1), (1, 1), 1, out_hw, 1e9, training=False)
        least = min(RW.TILE_SIZES[r], key=lambda size: (W.work(out_hw, size, r), size))  # ties: the smaller m
        if W.multiplications(out_hw, least, r) > W.MAX_MULTIPLICATIONS[r] * out_hw[0] * out_hw[1]:
            assert m is None
        else:
            assert m == least


@pytest.mark.parametrize("m,r", SIZES)
@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding", ["same", "valid", ((0, 2), (1, 0))])
def test_conv2d_runs_winograd_per_thread_part(monkeypatch, m, r, threads, dtype, padding):
    # The rule's limits lowered, and the tile sizes of r narrowed to m, so that these small
    # convolutions take the Winograd path with m in conv2d_forward/backward (checked by
    # counting calls), split over 1-3 threads.
    monkeypatch.setattr(W, "MIN_CHANNELS", 1)
    monkeypatch.setattr(W, "MIN_FLOPS", 0)
    monkeypatch.setattr(W, "MAX_MULTIPLICATIONS", {3: 9, 4: 16})
    monkeypatch.setattr(W, "TILE_SIZES", {**W.TILE_SIZES, r: (m,)})
    monkeypatch.setattr(W, "TRAINING_KERNEL_SIZES", (3, 4))  # 4x4 kernels in training too: every transform
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", str(threads))
    calls, tiles = [], []
    for name in ("forward_call", "backward_call"):  # one call's arguments per part
        original = getattr(conv_module, name)
        monkeypatch.setattr(conv_module, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    forward = conv_module.forward_call  # and the tile size conv2d passes on
    monkeypatch.setattr(conv_module, "forward_call",
                        lambda x, kernel, size, *a: tiles.append(size) or forward(x, kernel, size, *a))
    transform = W.kernel_transform
    monkeypatch.setattr(W, "kernel_transform", lambda *a: calls.append("kernel_transform") or transform(*a))
    rng = np.random.default_rng(8)
    x, kernel, bias = rand(rng, (5, 8, 7, 3), dtype), rand(rng, (r, r, 3, 4), dtype), rand(rng, 4, dtype)
    rtol = _rtol(m, r, dtype)
    y = F.conv2d_forward(x, kernel, (1, 1), padding, bias=bias, code=A.RELU)
    assert_close(y, np.maximum(R.conv2d_forward(x, kernel, (1, 1), padding) + bias, 0), rtol=rtol)
    dy = rand(rng, y.shape, dtype)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dy, (1, 1), padding)
    dx, dk = F.conv2d_backward(x, kernel, dy, (1, 1), padding)
    assert_close(dx, dx_ref, rtol=rtol)
    assert_close(dk, dk_ref, rtol=rtol)
    dx, dk = F.conv2d_backward(x, kernel, dy, (1, 1), padding, need_dx=False)
    assert dx is None
    assert_close(dk, dk_ref, rtol=rtol)
    assert calls.count("forward_call") == threads and calls.count("backward_call") == 2 * threads
    assert tiles == [m] * threads
    # the kernel is transformed once per call, before the split, not once per part
    # (forward, backward with dx; backward without dx needs no transformed kernel)
    assert calls.count("kernel_transform") == 2


@pytest.mark.parametrize("code", ACTIVATIONS)
@pytest.mark.parametrize("has_bias", [True, False])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("need_dx", [True, False])
def test_the_activations_backward_pass_runs_inside_the_winograd_loop(monkeypatch, code, has_bias, threads, need_dx):
    # conv2d_activation_backward on Winograd layers: dz made chunk by chunk inside
    # backward_chunks (the rule's limits lowered as above; 7 images in chunks of 2, over 1-2
    # threads); softmax (not elementwise), and linear without bias, keep the separate pass
    m, r = 2, 3
    monkeypatch.setattr(W, "MIN_CHANNELS", 1)
    monkeypatch.setattr(W, "MIN_FLOPS", 0)
    monkeypatch.setattr(W, "MAX_MULTIPLICATIONS", {3: 9, 4: 16})
    monkeypatch.setattr(W, "TILE_SIZES", {**W.TILE_SIZES, r: (m,)})
    monkeypatch.setattr(T, "MIN_FLOPS_PER_PART", 1e-9)
    monkeypatch.setenv("MINIKERAS_NUM_THREADS", str(threads))
    pads, out_hw = _geometry((7, 10, 9, 6), "same", r)
    th, tw = W.tile_grid(out_hw, m)
    monkeypatch.setattr(W, "CHUNK_BYTES", 2 * (m + r - 1) ** 2 * th * tw * 6 * 4)
    separate = []
    original = conv_module.bias_activation_backward
    monkeypatch.setattr(conv_module, "bias_activation_backward", lambda *a: separate.append(a) or original(*a))
    tiles = []
    backward_call = conv_module.backward_call
    monkeypatch.setattr(conv_module, "backward_call", lambda x, k, dy, size, *a: tiles.append(size) or
                        backward_call(x, k, dy, size, *a))
    rng = np.random.default_rng(12)
    x, kernel = rand(rng, (7, 10, 9, 6), np.float32), rand(rng, (r, r, 6, 5), np.float32)
    bias = rand(rng, 5, np.float32) if has_bias else None
    y = F.conv2d_forward(x, kernel, (1, 1), "same", bias=bias, code=code)
    rtol = _rtol(m, r, np.float32)
    assert_close(y, activation(R.conv2d_forward(x, kernel, (1, 1), "same") + (0 if bias is None else bias), code),
                 rtol=rtol)
    dy = rand(rng, y.shape, np.float32)
    dx, dk, db = F.conv2d_activation_backward(x, kernel, y, dy, code, has_bias, (1, 1), "same", need_dx=need_dx)
    assert tiles and set(tiles) == {m}  # Winograd ran
    assert len(separate) == (1 if code == A.SOFTMAX or (code == A.LINEAR and not has_bias) else 0)
    dz, db_ref = R.bias_activation_backward(y, dy, code, has_bias)
    dx_ref, dk_ref = R.conv2d_backward(x, kernel, dz, (1, 1), "same")
    assert (dx is None) == (not need_dx) and (db is None) == (not has_bias)
    if need_dx:
        assert_close(dx, dx_ref, rtol=rtol)
    assert_close(dk, dk_ref, rtol=rtol)
    if has_bias:
        assert db.dtype == np.float32
        assert_close(db, db_ref)


def test_4x4_kernels_take_winograd_only_where_no_backward_pass_follows(monkeypatch):
    """A 4x4 layer runs Winograd in inference (training=False) and im2col when a backward pass
    follows (winograd.TRAINING_KERNEL_SIZES says why); 3x3 layers run it both ways."""
    big = 1e9
    assert W.use_winograd((4, 4, 32, 16), (1, 1), (1, 1), 1, (27, 27), big, training=False) == 3
    assert W.use_winograd((4, 4, 32, 16), (1, 1), (1, 1), 1, (27, 27), big, training=True) is None
    assert W.use_winograd((4, 4, 32, 16), (1, 1), (1, 1), 1, (27, 27), big) is None  # the default: training
    for training in (True, False):
        assert W.use_winograd((3, 3, 64, 64), (1, 1), (1, 1), 1, (9, 9), big, training=training) == 3
    calls = []
    forward = conv_module.forward_call
    monkeypatch.setattr(conv_module, "forward_call", lambda *a: calls.append(a[2]) or forward(*a))
    rng = np.random.default_rng(10)
    x, kernel = rand(rng, (16, 30, 30, 32), np.float32), rand(rng, (4, 4, 32, 16), np.float32)
    inference = F.conv2d_forward(x, kernel, (1, 1), "valid", training=False)
    assert calls and set(calls) == {3}
    calls.clear()
    trained = F.conv2d_forward(x, kernel, (1, 1), "valid")
    assert calls == []
    np.testing.assert_allclose(inference, trained, rtol=0, atol=_rtol(3, 4, np.float32) * np.abs(trained).max())


def test_conv2d_keeps_im2col_where_the_rule_says_so(monkeypatch):
    calls = []
    monkeypatch.setattr(conv_module, "forward_call", lambda *a, **k: calls.append(a))
    rng = np.random.default_rng(9)
    x, kernel = rand(rng, (2, 6, 6, 3), np.float32), rand(rng, (3, 3, 3, 4), np.float32)
    assert_close(F.conv2d_forward(x, kernel, (1, 1), "same"), R.conv2d_forward(x, kernel, (1, 1), "same"))
    assert calls == []
