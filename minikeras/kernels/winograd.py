"""Winograd F(2x2, 3x3): a 3x3 stride-1 convolution with 2.25x fewer multiplications (fast
backend; reference: ``reference/winograd.py``, same transforms, same names and signatures).

Why it exists: the im2col GEMMs (``conv_gemm.py``) of the toy ResNet's 3x3 layers already
run near the BLAS peak, so only doing fewer multiplications can make them faster.
Winograd's minimal filtering algorithm computes a 2x2 block of outputs ("tile") from the
4x4 block of inputs under it with 16 multiplications per channel pair where the direct
sum needs 36. With d a 4x4 input tile (one channel), g a 3x3 filter and

    BT = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    G  = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
    AT = [[1, 1, 1, 0], [0, 1, -1, -1]]

the 2x2 output tile is  y = AT [(G g G^T) * (BT d BT^T)] AT^T  (``*`` elementwise). Summed
over input channels, each of the 16 elementwise positions k is one GEMM across channels:

    forward:   V = BT d BT^T  per tile and input channel   -> V (16, tiles, cin)
               U = G g G^T    per channel pair              -> U (16, cin, cout)
               M[k] = V[k] @ U[k];   y tile = AT M AT^T     (bias + activation fused)
    backward:  dyhat = AT^T dy AT  (4x4 from each 2x2 tile of dy) -> (16, tiles, cout)
               dV[k] = dyhat[k] @ U[k]^T;  dx += BT^T dV BT  (tiles overlap: scatter-add)
               dUhat[k] = sum over tiles V[k]^T @ dyhat[k];  dkernel = G^T dUhat G

Tiles start every 2 rows/columns of the padded input; when the output size is odd the
last tile reaches past it: those inputs read as zero, those outputs are dropped, and dy
is zero there. The tile transforms are numba loops over the channels (innermost, so
they vectorize); the 16 GEMMs go to BLAS. V and M for a whole batch are far larger than
the cache (64 images of 30x30x32: 51 MB), so the work is done a few images at a time
(``CHUNK_BYTES``), as im2col is.

When it pays is decided by ``use_winograd`` (measured; see its docstring).

Rounding: the transforms add and subtract inputs before multiplying, so results differ from
the direct sum in the last bits (float32: a few 1e-7 relative, within the tests' tolerance),
and an infinite input gives NaN where the direct sum gives inf (inf - inf). Inputs to fit,
evaluate and predict are checked to be finite; an inf can only arise inside a diverging model.
"""
import numpy as np
from numba import njit

from . import buffers
from .activation_codes import LINEAR
from .activations import bias_activation_inplace
from .flat import flat as flat_view

__all__ = ["use_winograd", "input_transform", "output_transform", "dy_transform", "dx_transform",
           "kernel_transform", "kernel_gradient_transform", "winograd_forward", "winograd_backward",
           "CHUNK_BYTES"]

_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])

# Bytes of transformed tiles (V or M, the larger) per chunk of images. Measured on the toy
# ResNet's layers, batch 32, one thread, forward / backward: 64x9x9x64 'same' 1.50 / 3.30 ms
# with 0.5 MB chunks, 1.65 / 3.68 ms with 1 MB, backward 4.45 ms with 0.25 MB (vs 3.96 in
# that run); the 30x30x32 layer within 1% from 0.25 to 1 MB (one image is 0.8 MB).
CHUNK_BYTES = 1 << 19


# The rule, from one-thread CPU times of forward + backward, im2col vs this algorithm (AMD
# EPYC, 2 vCPUs; benchmarks/RESULTS.md, "Issue 16: Winograd"): faster (0.6-0.9x the time)
# for every 3x3 stride-1 layer with 4-128 channels measured, except
# * first layers on 3 or 4 input channels (RGB images, no dx: 1.04-1.19x); 4 -> 16
#   channels with dx won (0.79x), but the limit stays on the safe side: MIN_CHANNELS;
# * outputs the 2x2 tiles cover badly: 3x3 outputs need 4 tiles, 16 pixels computed for 9
#   (1.18x); 5x5 outputs compute 1.44x their pixels and still won (0.91x): MAX_TILE_WASTE;
# * little work, where the kernel transform and the fixed cost per call dominate: one 9x9x64
#   image to 64 channels (6 MFLOP as im2col GEMM) 1.07x, two images (12 MFLOP) 0.92x: MIN_FLOPS.
MIN_CHANNELS = 8
MAX_TILE_WASTE = 1.5
MIN_FLOPS = 8e6


def use_winograd(kernel_shape, strides, dilation, groups, out_hw, flops):
    """Whether a convolution (or one thread's part of it, doing ``flops`` of im2col GEMM work)
    runs this algorithm: 3x3 kernel, stride 1, no dilation, no groups, and the measured
    limits above."""
    kh, kw, cin, cout = kernel_shape
    if (kh, kw) != (3, 3) or tuple(strides) != (1, 1) or tuple(dilation) != (1, 1) or groups != 1:
        return False
    th, tw = tile_grid(out_hw)
    return (min(cin, cout) >= MIN_CHANNELS and 4 * th * tw <= MAX_TILE_WASTE * out_hw[0] * out_hw[1]
            and flops >= MIN_FLOPS)


def tile_grid(out_hw):
    """(tile rows, tile columns) covering an output of out_hw: 2x2 outputs per tile."""
    return (out_hw[0] + 1) // 2, (out_hw[1] + 1) // 2


@njit(cache=True, nogil=True, inline="always")
def _move_image(x, b, pt, pl, canvas, into_canvas):
    """into_canvas: canvas[pt + i, pl + j] = x[b, i, j]; else x[b, i, j] += canvas[pt + i, pl + j];
    for the pixels (i, j) of image b that fit in canvas. The rest is left alone.

    The pixels of one image row that fit are one contiguous run of values in both arrays,
    moved by one loop over unsigned offsets. (Slice assignments, canvas[i, j, :] = ...,
    made numba compile its shape-mismatch error messages: 1.7 s in a new process.) numba
    copies this function into its two callers (inline="always"), where into_canvas is a
    constant and only one of the loops remains."""
    _, h, w, c = x.shape
    canvas_h, canvas_w = canvas.shape[0], canvas.shape[1]
    xf, cf = flat_view(x), flat_view(canvas)
    j0, j1 = max(0, -pl), min(w, canvas_w - pl)  # the columns that fit
    run = np.uint64(max(j1 - j0, 0) * c)
    for i in range(max(0, -pt), min(h, canvas_h - pt)):
        at_x = np.uint64(((b * h + i) * w + j0) * c)
        at_canvas = np.uint64(((i + pt) * canvas_w + j0 + pl) * c)
        if into_canvas:
            for k in range(run):
                cf[at_canvas + k] = xf[at_x + k]
        else:
            for k in range(run):
                xf[at_x + k] += cf[at_canvas + k]


@njit(cache=True, nogil=True)
def input_transform(x, pt, pl, th, tw, V):
    """V[:, t, c] = BT d BT^T, d the 4x4 tile t of channel c of x padded by pt (top) and pl
    (left); tiles in order (image, tile row, tile column); cells outside x read 0.

    x (n, h, w, c); V (16, rows, c), rows >= n*th*tw (only the first n*th*tw are written);
    k = 4*i + j for entry (i, j) of the 4x4 result.

    Each image is first copied into a zero-bordered canvas that the whole tile grid fits
    in, so the transform itself reads four contiguous rows per tile without bounds tests
    (unsigned offsets, as in im2col.py, let LLVM vectorize the channel loop)."""
    n, h, w, c = x.shape
    canvas = np.zeros((2 * th + 2, 2 * tw + 2, c), x.dtype)
    flat = flat_view(canvas)
    row, cc = np.uint64((2 * tw + 2) * c), np.uint64(c)
    t = 0
    for b in range(n):
        _move_image(x, b, pt, pl, canvas, True)
        for ty in range(th):
            for tx in range(tw):
                o0 = np.uint64((2 * ty * (2 * tw + 2) + 2 * tx) * c)
                o1 = o0 + row
                o2 = o1 + row
                o3 = o2 + row
                for ch in range(cc):
                    # rows of BT d: d0 - d2, d1 + d2, d2 - d1, d1 - d3 (each row has 4 columns)
                    a0 = flat[o0 + ch] - flat[o2 + ch]
                    a1 = flat[o0 + cc + ch] - flat[o2 + cc + ch]
                    a2 = flat[o0 + 2 * cc + ch] - flat[o2 + 2 * cc + ch]
                    a3 = flat[o0 + 3 * cc + ch] - flat[o2 + 3 * cc + ch]
                    b0 = flat[o1 + ch] + flat[o2 + ch]
                    b1 = flat[o1 + cc + ch] + flat[o2 + cc + ch]
                    b2 = flat[o1 + 2 * cc + ch] + flat[o2 + 2 * cc + ch]
                    b3 = flat[o1 + 3 * cc + ch] + flat[o2 + 3 * cc + ch]
                    c0 = flat[o2 + ch] - flat[o1 + ch]
                    c1 = flat[o2 + cc + ch] - flat[o1 + cc + ch]
                    c2 = flat[o2 + 2 * cc + ch] - flat[o1 + 2 * cc + ch]
                    c3 = flat[o2 + 3 * cc + ch] - flat[o1 + 3 * cc + ch]
                    e0 = flat[o1 + ch] - flat[o3 + ch]
                    e1 = flat[o1 + cc + ch] - flat[o3 + cc + ch]
                    e2 = flat[o1 + 2 * cc + ch] - flat[o3 + 2 * cc + ch]
                    e3 = flat[o1 + 3 * cc + ch] - flat[o3 + 3 * cc + ch]
                    # columns: (BT d) BT^T, the same combination along each row
                    V[0, t, ch] = a0 - a2
                    V[1, t, ch] = a1 + a2
                    V[2, t, ch] = a2 - a1
                    V[3, t, ch] = a1 - a3
                    V[4, t, ch] = b0 - b2
                    V[5, t, ch] = b1 + b2
                    V[6, t, ch] = b2 - b1
                    V[7, t, ch] = b1 - b3
                    V[8, t, ch] = c0 - c2
                    V[9, t, ch] = c1 + c2
                    V[10, t, ch] = c2 - c1
                    V[11, t, ch] = c1 - c3
                    V[12, t, ch] = e0 - e2
                    V[13, t, ch] = e1 + e2
                    V[14, t, ch] = e2 - e1
                    V[15, t, ch] = e1 - e3
                t += 1


@njit(cache=True, nogil=True)
def output_transform(M, th, tw, y):
    """y tile t = AT M[:, t] AT^T (2x2 per tile and channel), outputs past y's edge dropped.

    M (16, rows, c) as V (the first n*th*tw rows are read); y (n, oh, ow, c) with oh <= 2*th, ow <= 2*tw."""
    n, oh, ow, c = y.shape
    t = 0
    for b in range(n):
        for ty in range(th):
            for tx in range(tw):
                y0, x0 = 2 * ty, 2 * tx
                down, right = y0 + 1 < oh, x0 + 1 < ow
                for ch in range(c):
                    # rows: AT M  (row 0 = m0 + m1 + m2, row 1 = m1 - m2 - m3)
                    p0 = M[0, t, ch] + M[4, t, ch] + M[8, t, ch]
                    p1 = M[1, t, ch] + M[5, t, ch] + M[9, t, ch]
                    p2 = M[2, t, ch] + M[6, t, ch] + M[10, t, ch]
                    p3 = M[3, t, ch] + M[7, t, ch] + M[11, t, ch]
                    q0 = M[4, t, ch] - M[8, t, ch] - M[12, t, ch]
                    q1 = M[5, t, ch] - M[9, t, ch] - M[13, t, ch]
                    q2 = M[6, t, ch] - M[10, t, ch] - M[14, t, ch]
                    q3 = M[7, t, ch] - M[11, t, ch] - M[15, t, ch]
                    # columns: (AT M) AT^T
                    y[b, y0, x0, ch] = p0 + p1 + p2
                    if right:
                        y[b, y0, x0 + 1, ch] = p1 - p2 - p3
                    if down:
                        y[b, y0 + 1, x0, ch] = q0 + q1 + q2
                        if right:
                            y[b, y0 + 1, x0 + 1, ch] = q1 - q2 - q3
                t += 1


@njit(cache=True, nogil=True)
def dy_transform(dy, th, tw, dyhat):
    """dyhat[:, t] = AT^T e AT, e the 2x2 tile t of dy (zero past dy's edge): the gradient
    of M given the gradient of y. dy (n, oh, ow, c); dyhat (16, rows >= n*th*tw, c)."""
    n, oh, ow, c = dy.shape
    e = np.zeros((2, 2, c), dy.dtype)
    t = 0
    for b in range(n):
        for ty in range(th):
            for tx in range(tw):
                y0, x0 = 2 * ty, 2 * tx
                for r in range(2):
                    for s in range(2):
                        # a loop, not e[r, s, :] = dy[...]: numba compiles a slice assignment's
                        # shape-mismatch message (1.7 s in a new process)
                        inside = y0 + r < oh and x0 + s < ow
                        for ch in range(c):
                            e[r, s, ch] = dy[b, y0 + r, x0 + s, ch] if inside else 0
                for ch in range(c):
                    # rows: AT^T e  ->  e0, e0 + e1, e0 - e1, -e1
                    a0, a1 = e[0, 0, ch], e[0, 1, ch]
                    s0, s1 = e[0, 0, ch] + e[1, 0, ch], e[0, 1, ch] + e[1, 1, ch]
                    d0, d1 = e[0, 0, ch] - e[1, 0, ch], e[0, 1, ch] - e[1, 1, ch]
                    m0, m1 = e[1, 0, ch], e[1, 1, ch]
                    # columns: (AT^T e) AT
                    dyhat[0, t, ch] = a0
                    dyhat[1, t, ch] = a0 + a1
                    dyhat[2, t, ch] = a0 - a1
                    dyhat[3, t, ch] = -a1
                    dyhat[4, t, ch] = s0
                    dyhat[5, t, ch] = s0 + s1
                    dyhat[6, t, ch] = s0 - s1
                    dyhat[7, t, ch] = -s1
                    dyhat[8, t, ch] = d0
                    dyhat[9, t, ch] = d0 + d1
                    dyhat[10, t, ch] = d0 - d1
                    dyhat[11, t, ch] = -d1
                    dyhat[12, t, ch] = -m0
                    dyhat[13, t, ch] = -m0 - m1
                    dyhat[14, t, ch] = m1 - m0
                    dyhat[15, t, ch] = m1
                t += 1


@njit(cache=True, nogil=True)
def dx_transform(dV, pt, pl, th, tw, dx):
    """dx += BT^T dV[:, t] BT on the 4x4 cells of tile t (the adjoint of input_transform);
    neighbouring tiles overlap, so this adds; cells in the padding are dropped.

    dV (16, rows >= n*th*tw, c); dx (n, h, w, c). As input_transform, each image's tiles
    are added onto a zero-bordered canvas first, whose part over the image goes into dx."""
    n, h, w, c = dx.shape
    canvas = np.empty((2 * th + 2, 2 * tw + 2, c), dx.dtype)
    flat = flat_view(canvas)
    row, cc = np.uint64((2 * tw + 2) * c), np.uint64(c)
    t = 0
    for b in range(n):
        canvas[:] = 0
        for ty in range(th):
            for tx in range(tw):
                o0 = np.uint64((2 * ty * (2 * tw + 2) + 2 * tx) * c)
                o1 = o0 + row
                o2 = o1 + row
                o3 = o2 + row
                for ch in range(cc):
                    # rows of BT^T dV: v0, v1 - v2 + v3, v1 + v2 - v0, -v3 (rows of 4 entries)
                    r00 = dV[0, t, ch]
                    r01 = dV[1, t, ch]
                    r02 = dV[2, t, ch]
                    r03 = dV[3, t, ch]
                    r10 = dV[4, t, ch] - dV[8, t, ch] + dV[12, t, ch]
                    r11 = dV[5, t, ch] - dV[9, t, ch] + dV[13, t, ch]
                    r12 = dV[6, t, ch] - dV[10, t, ch] + dV[14, t, ch]
                    r13 = dV[7, t, ch] - dV[11, t, ch] + dV[15, t, ch]
                    r20 = dV[4, t, ch] + dV[8, t, ch] - dV[0, t, ch]
                    r21 = dV[5, t, ch] + dV[9, t, ch] - dV[1, t, ch]
                    r22 = dV[6, t, ch] + dV[10, t, ch] - dV[2, t, ch]
                    r23 = dV[7, t, ch] + dV[11, t, ch] - dV[3, t, ch]
                    r30 = -dV[12, t, ch]
                    r31 = -dV[13, t, ch]
                    r32 = -dV[14, t, ch]
                    r33 = -dV[15, t, ch]
                    # columns: (BT^T dV) BT, added onto the tile's 4x4 cells
                    flat[o0 + ch] += r00
                    flat[o0 + cc + ch] += r01 - r02 + r03
                    flat[o0 + 2 * cc + ch] += r01 + r02 - r00
                    flat[o0 + 3 * cc + ch] -= r03
                    flat[o1 + ch] += r10
                    flat[o1 + cc + ch] += r11 - r12 + r13
                    flat[o1 + 2 * cc + ch] += r11 + r12 - r10
                    flat[o1 + 3 * cc + ch] -= r13
                    flat[o2 + ch] += r20
                    flat[o2 + cc + ch] += r21 - r22 + r23
                    flat[o2 + 2 * cc + ch] += r21 + r22 - r20
                    flat[o2 + 3 * cc + ch] -= r23
                    flat[o3 + ch] += r30
                    flat[o3 + cc + ch] += r31 - r32 + r33
                    flat[o3 + 2 * cc + ch] += r31 + r32 - r30
                    flat[o3 + 3 * cc + ch] -= r33
                t += 1
        _move_image(dx, b, pt, pl, canvas, False)


def kernel_transform(kernel, U):
    """U[k] = (G g G^T)[k] for every channel pair: kernel (3, 3, cin, cout) -> U (16, cin, cout).

    Two matrix products with G over all cin*cout filters at once (13 us for 64x64 channels;
    numpy's einsum, as in the reference, took 0.5 ms, and a numba loop 0.2 ms)."""
    _, _, cin, cout = kernel.shape
    pairs = cin * cout
    G = _G.astype(kernel.dtype)
    rows = np.matmul(G, kernel.reshape(3, 3 * pairs)).reshape(4, 3, pairs)   # G g
    np.matmul(G, rows, out=U.reshape(4, 4, pairs))                            # (G g) G^T, row by row


def kernel_gradient_transform(dU, dkernel):
    """dkernel = G^T dUhat G for every channel pair: dU (16, cin, cout) -> dkernel (3, 3, cin, cout)."""
    _, cin, cout = dU.shape
    pairs = cin * cout
    G = _G.astype(dU.dtype)
    rows = np.matmul(G.T, dU.reshape(4, 4 * pairs)).reshape(3, 4, pairs)     # G^T dUhat
    np.matmul(G.T, rows, out=dkernel.reshape(3, 3, pairs))                   # (G^T dUhat) G, row by row


def transformed_kernel(kernel, transposed=False):
    """The kernel's 16 transformed planes U (16, cin, cout), or U transposed plane by plane
    (16, cout, cin), C-contiguous: what dV = dyhat @ U^T reads fastest in backward.

    A convolution split over threads makes them once, before the split, and every part
    reads them: each part used to make its own, the same work in every thread at the
    moment they all start."""
    _, _, cin, cout = kernel.shape
    U = buffers.empty((16, cin, cout), kernel.dtype)
    kernel_transform(kernel, U)
    if not transposed:
        return U
    UT = buffers.empty((16, cout, cin), kernel.dtype)
    np.copyto(UT, U.transpose(0, 2, 1))
    return UT


def _images_per_chunk(n, tiles, channels, itemsize):
    return int(max(1, min(n, CHUNK_BYTES // max(1, 16 * tiles * channels * itemsize))))


def _planes(rows, channels, dtype):
    """A C-contiguous (16, r, channels) buffer for the transformed tiles of a chunk, r >= rows.

    r is odd: with an even number of rows the 16 planes may lie a multiple of 4 KB apart
    (128 rows of 64 float32 channels: exactly 32 KB), so the transforms, which touch all 16
    planes for every tile, hit the same few cache sets; that made input_transform 4x slower
    on the toy ResNet's 9x9 -> 7x7 layer. The transforms fill the first n*th*tw rows and the
    GEMMs read views of them."""
    return buffers.empty((16, rows | 1, channels), dtype)


def winograd_forward(x, kernel, out_hw, pads, bias=None, code=LINEAR, y=None, U=None):
    """y = act(conv(x, kernel) + bias) for a 3x3 kernel, stride 1, explicit pads, chunk by
    chunk of images (as conv_gemm.forward_gemm; ``y``, if given, is the output to fill;
    ``U``, if given, is ``transformed_kernel(kernel)``)."""
    n, _, _, cin = x.shape
    cout = kernel.shape[3]
    th, tw = tile_grid(out_hw)
    tiles = th * tw
    if y is None:
        y = buffers.empty((n,) + tuple(out_hw) + (cout,), x.dtype)
    if U is None:
        U = transformed_kernel(kernel)
    nb = _images_per_chunk(n, tiles, max(cin, cout), x.dtype.itemsize)
    V, M = _planes(nb * tiles, cin, x.dtype), _planes(nb * tiles, cout, x.dtype)
    for b0 in range(0, n, nb):
        b1 = min(n, b0 + nb)
        rows = (b1 - b0) * tiles
        input_transform(x[b0:b1], pads[0][0], pads[1][0], th, tw, V)
        np.matmul(V[:, :rows], U, out=M[:, :rows])
        output_transform(M, th, tw, y[b0:b1])
        bias_activation_inplace(y[b0:b1], bias, code)
    return y


def winograd_backward(x, kernel, dy, pads, need_dx, dx=None, UT=None):
    """(dx or None, dkernel) of winograd_forward without bias/activation; ``dx``, if given,
    is a zero-filled C-contiguous array to add the input gradient to; ``UT``, if given, is
    ``transformed_kernel(kernel, transposed=True)``."""
    n, _, _, cin = x.shape
    cout = kernel.shape[3]
    th, tw = tile_grid(dy.shape[1:3])
    tiles = th * tw
    if need_dx and dx is None:
        dx = buffers.zeros(x.shape, x.dtype)
    if need_dx and UT is None:   # dV[k] = dyhat[k] @ U[k]^T: U[k]^T contiguous, as BLAS runs it fastest
        UT = transformed_kernel(kernel, transposed=True)
    nb = _images_per_chunk(n, tiles, max(cin, cout), x.dtype.itemsize)
    V, D = _planes(nb * tiles, cin, x.dtype), _planes(nb * tiles, cout, x.dtype)
    dV = _planes(nb * tiles, cin, x.dtype) if need_dx else None
    dU, part = buffers.zeros((16, cin, cout), x.dtype), buffers.empty((16, cin, cout), x.dtype)
    for b0 in range(0, n, nb):
        b1 = min(n, b0 + nb)
        rows = (b1 - b0) * tiles
        input_transform(x[b0:b1], pads[0][0], pads[1][0], th, tw, V)
        dy_transform(dy[b0:b1], th, tw, D)
        np.matmul(V[:, :rows].transpose(0, 2, 1), D[:, :rows], out=part)
        dU += part
        if need_dx:
            np.matmul(D[:, :rows], UT, out=dV[:, :rows])
            dx_transform(dV, pads[0][0], pads[1][0], th, tw, dx[b0:b1])
    dkernel = np.empty((3, 3, cin, cout), x.dtype)
    kernel_gradient_transform(dU, dkernel)
    return dx, dkernel
