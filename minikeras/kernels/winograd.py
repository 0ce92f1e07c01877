"""Winograd F(m x m, r x r): a stride-1 convolution with a 3x3 kernel (m = 2, 3 or 4) or a
4x4 kernel (m = 2 or 3) and fewer multiplications (fast backend; reference:
``reference/winograd.py``, same transforms, same names and signatures, and the transform
matrices of both: ``MATRICES``).

Why it exists: the im2col GEMMs (``conv_gemm.py``) of the toy ResNet's 3x3 layers and of
the seed CNN's second, 4x4 layer already run near the BLAS peak, so only doing fewer
multiplications can make them faster. Winograd's minimal filtering algorithm computes an
m x m block of outputs ("tile") from the n x n block of inputs under it (n = m + r - 1)
with n*n multiplications per channel pair where the direct sum needs r*r*m*m: for 3x3
kernels 16 for 36 (m = 2), 25 for 81 (m = 3), 36 for 144 (m = 4); for 4x4 kernels 25 for
64 (m = 2), 36 for 144 (m = 3: the seed CNN's 27x27 output is exactly 9x9 tiles of 3).
With d an input tile (one channel), g an r x r filter and the matrices BT (n x n),
G (n x r), AT (m x n) of ``MATRICES[m, r]``, the output tile is

    y = AT [(G g G^T) * (BT d BT^T)] AT^T          (* elementwise)

Summed over input channels, each of the n*n elementwise positions k is one GEMM across
channels:

    forward:   V = BT d BT^T  per tile and input channel   -> V (n*n, tiles, cin)
               U = G g G^T    per channel pair              -> U (n*n, cin, cout)
               M[k] = V[k] @ U[k];   y tile = AT M AT^T     (bias + activation fused)
    backward:  (dy = dL/dz; with the layer's activation it is made from dL/dy first, a chunk
               of images at a time: winograd_activation_backward)
               dyhat = AT^T dy AT  (n x n from each m x m tile of dy) -> (n*n, tiles, cout)
               dV[k] = dyhat[k] @ U[k]^T;  dx += BT^T dV BT  (tiles overlap: scatter-add)
               dUhat[k] = sum over tiles V[k]^T @ dyhat[k];  dkernel = G^T dUhat G

Tiles start every m rows/columns of the padded input; when m does not divide the output
size the last tiles reach past it: those inputs read as zero, those outputs are dropped,
and dy is zero there. Which m, if any, a convolution uses is ``use_winograd``'s measured
rule (see its comment): larger tiles need fewer multiplications per output but waste
more of them where m does not divide the output, and round more (below).

The tile transforms are numba loops, written once for every m and r: each is two passes of a
small matrix (along one side of the tiles, then the other), and every pass is a loop of
"run of values = sum of coefficient * run of values" over one row of the matrix, in one
sweep (``_combine``). Channels are innermost in every array and a whole tile row of the batch
is transformed at once, so the runs are long and contiguous (tiles side by side times
channels) and LLVM vectorizes them. The F(2x2) transforms were once unrolled by hand, a
page of arithmetic per transform, with channel loops of only c values each; these loops
are faster than that even for m = 2 (toy ResNet layers, one thread: 0.86-0.91x the time of
a whole forward + backward; ``benchmarks/RESULTS.md``, "Issue 16: larger Winograd
tiles"), need no arithmetic kept in step with the matrices by hand, and compile once for
every m and r (the matrices and m are arguments; the kernel size only shapes the
matrices). The n*n GEMMs go to BLAS. V and M for a whole batch are far larger than the
cache (64 images of 30x30x32 and m = 2: 51 MB), so the work is done a few images at a
time (``CHUNK_BYTES``), as im2col is.

Rounding: the transforms add and subtract (n = 5, 6: also scale) inputs before
multiplying, so results differ from the direct sum in the last bits: in float32 a few
1e-7 relative for F(2x2, 3x3), about 5x that for the others (``reference/winograd.py``
lists the measurements and how the interpolation points were chosen to keep it small); an
infinite input gives NaN where the direct sum gives inf (inf - inf). Inputs to fit,
evaluate and predict are checked to be finite; an inf can only arise inside a diverging
model.
"""
from collections import namedtuple

import numpy as np
from numba import njit

from . import buffers
from .activation_codes import LINEAR
from .activations import activate_rows, backward_rows
from .flat import flat as flat_view
from .reference.winograd import MATRICES, TILE_SIZES, tile_shape

__all__ = ["use_winograd", "tile_grid", "input_transform", "output_transform", "dy_transform", "dx_transform",
           "kernel_transform", "kernel_gradient_transform", "transformed_kernel", "winograd_forward",
           "winograd_backward", "winograd_activation_backward", "forward_call", "forward_chunks", "backward_call",
           "backward_chunks", "kernel_gradient", "multiplications", "work", "CHUNK_BYTES", "TILE_SIZES"]

# Bytes of transformed tiles (V or M, the larger) per chunk of images. Measured on the toy
# ResNet's layers, batch 32, one thread, forward / backward: 64x9x9x64 'same' 1.50 / 3.30 ms
# with 0.5 MB chunks, 1.65 / 3.68 ms with 1 MB, backward 4.45 ms with 0.25 MB (vs 3.96 in
# that run); the 30x30x32 layer within 1% from 0.25 to 1 MB (one image is 0.8 MB). (F(2x2).)
CHUNK_BYTES = 1 << 19


# The rule, from one-thread CPU times of forward + backward, im2col vs this algorithm (AMD
# EPYC, 2 vCPUs; benchmarks/RESULTS.md, "Issue 16: Winograd" for m = 2 and "Issue 16:
# larger Winograd tiles" for the choice of m; benchmarks/winograd_layers.py --grid):
# * the tile size: the one of least estimated work (``work``): the GEMMs' (m + r - 1)^2
#   multiplications per tile, plus the transforms' work, about TRANSFORM_WORK of those per
#   output the tiles compute (fitted on the grid's 64-channel layers, where it predicts every
#   ratio between the tile sizes within 10%; counting multiplications alone picked m = 4 for
#   10x10 outputs, 12x12 computed, 1.07x m = 2's time). 28x28 outputs take m = 4 (7x7 tiles
#   exactly), 9x9 outputs m = 3 (3x3 tiles exactly; m = 2 computes 10x10), 10x10 m = 2.
#   With 4x4 kernels (``--grid --kernel 4``, 16 images): the seed CNN's 27x27 outputs take
#   m = 3 (0.52-0.55x im2col's time, m = 2 0.73x), 4x4 outputs m = 2 (0.61x, m = 3
#   0.91-0.95x); 16x16 outputs m = 3 (64 channels 0.43x, m = 2 0.46-0.47x; 16 channels
#   0.77-0.82x, m = 2 0.76-0.83x: alike);
# * first layers on 3 or 4 input channels (RGB images, no dx: 1.04-1.19x with m = 2,
#   0.94-1.14x with m = 3); 4 -> 16 channels with dx won (0.79x with m = 2, 0.92x with
#   m = 4), but the limit stays on the safe side: MIN_CHANNELS;
# * outputs no tile size covers well: with m = 2, 3x3 outputs computed 16 pixels for 9
#   (7.1 multiplications per output, 1.18x im2col's time), 5x5 outputs 5.8 per output and
#   won (0.91x): at most MAX_MULTIPLICATIONS per output and channel pair (im2col: 9) with
#   the chosen m (3x3 outputs now take one tile of m = 3, 2.8 per output: 0.65x). 4x4
#   kernels (im2col: 16): 9 per output won (5x5 outputs with m = 2: 0.75x; 4x4 outputs
#   with m = 3: 0.91x), 11.1 lost (3x3 outputs with m = 2: 1.04x); the limit is the same
#   2/3 of im2col's count as for 3x3 kernels, 10.7;
# * little work, where the kernel transform and the fixed cost per call dominate: one 9x9x64
#   image to 64 channels (6 MFLOP as im2col GEMM) 1.07x, two images (12 MFLOP) 0.92x with
#   m = 2 (0.73x with m = 3): MIN_FLOPS.
MIN_CHANNELS = 8
MAX_TERMS = 6  # the longest row of any transform matrix (n = m + r - 1 <= 6): _combine's terms
MAX_MULTIPLICATIONS = {3: 6.0, 4: 6.0 * 16 / 9}  # kernel size r -> limit (im2col: r*r)
MIN_FLOPS = 8e6
TRANSFORM_WORK = 2.0


def multiplications(out_hw, m, r):
    """Multiplications per channel pair of F(m x m, r x r)'s tiles covering an output of out_hw."""
    th, tw = tile_grid(out_hw, m)
    return (m + r - 1) ** 2 * th * tw


def work(out_hw, m, r):
    """The rule's estimate of the work of F(m x m, r x r)'s tiles over out_hw: multiplications,
    plus TRANSFORM_WORK per output computed (m*m per tile, those past the edge included)."""
    th, tw = tile_grid(out_hw, m)
    return ((m + r - 1) ** 2 + TRANSFORM_WORK * m * m) * th * tw


# 4x4 kernels take this algorithm only where no backward pass follows (inference: predict,
# evaluate, a call outside a GradientTape). Its four tile transforms are numba kernels that
# a new process compiles before its first use, and no 4x4 model needed them before: trained
# with them, the seed CNN's first training step in a new process (empty numba cache) took
# 4.00 s instead of 2.19 s, against PyTorch's 2.65 s import-to-first-step, for a step 0.78x
# as long afterwards (``benchmarks/RESULTS.md``, "Issue 16: Winograd for 4x4 kernels").
# Inference compiles two of the transforms (1.3 s, once per machine; ``minikeras warmup``
# compiles all four) and gains more (predict_on_batch 0.84-0.86x). So a 4x4 layer's output
# under a tape and in predict can differ in the last bits (float32: a few 1e-6 of its size).
TRAINING_KERNEL_SIZES = (3,)


def use_winograd(kernel_shape, strides, dilation, groups, out_hw, flops, training=True):
    """The tile size m this algorithm runs a convolution (or one thread's part of it, doing
    ``flops`` of im2col GEMM work) with, or None for im2col: a square kernel of a size r in
    TILE_SIZES (3x3 or 4x4; in ``training``, when a backward pass follows, only those of
    TRAINING_KERNEL_SIZES), stride 1, no dilation, no groups, and the measured limits above."""
    kh, kw, cin, cout = kernel_shape
    if kh != kw or kh not in TILE_SIZES or tuple(strides) != (1, 1) or tuple(dilation) != (1, 1) or groups != 1:
        return None
    if training and kh not in TRAINING_KERNEL_SIZES:
        return None
    if min(cin, cout) < MIN_CHANNELS or flops < MIN_FLOPS:
        return None
    m = min(TILE_SIZES[kh], key=lambda size: (work(out_hw, size, kh), size))
    if multiplications(out_hw, m, kh) > MAX_MULTIPLICATIONS[kh] * out_hw[0] * out_hw[1]:
        return None
    return m


def tile_grid(out_hw, m):
    """(tile rows, tile columns) covering an output of out_hw with m x m outputs per tile."""
    return -(-out_hw[0] // m), -(-out_hw[1] // m)


_CAST = {}


def _matrices(planes, dtype, m=None, r=None):
    """(BT, G, AT, AT^T, BT^T) of F(m x m, r x r), whose transformed tiles have ``planes``
    planes (given m or r), C-contiguous in ``dtype`` (the kernels multiply in the arrays'
    precision; the transposes give every pass its coefficients as rows), made once per dtype."""
    key = tile_shape(planes, m, r) + (np.dtype(dtype),)
    if key not in _CAST:
        BT, G, AT = MATRICES[key[:2]]
        _CAST[key] = tuple(np.ascontiguousarray(a, dtype=dtype) for a in (BT, G, AT, AT.T, BT.T))
    return _CAST[key]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _move_image(x, b, pt, pl, cf, canvas_h, canvas_w, into_canvas):
    """into_canvas: canvas[pt + i, pl + j] = x[b, i, j]; else x[b, i, j] += canvas[pt + i, pl + j];
    for the pixels (i, j) of image b that fit in canvas, a (canvas_h, canvas_w, channels)
    array given flat as cf. The rest is left alone.

    The pixels of one image row that fit are one contiguous run of values in both arrays,
    moved by one loop over unsigned offsets. (Slice assignments, canvas[i, j, :] = ...,
    made numba compile its shape-mismatch error messages: 1.7 s in a new process.) numba
    copies this function into its two callers (inline="always"), where into_canvas is a
    constant and only one of the loops remains."""
    _, h, w, c = x.shape
    xf = flat_view(x)
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


# Every transform is two passes of a small matrix, one along each side of the tiles, and
# every pass is ``_combine``: a run of values = a combination of other runs, with the
# coefficients of one matrix row. The runs are long because each tile row of the batch is
# worked on at once: the transformed planes hold the tiles of a tile row side by side
# (t0 .. t0 + tw, all channels: tw*c contiguous values), and the other side of each tile is
# gathered into the same order first, (row or column within the tile, tile, channel).
# numba copies these helpers into every pass (inline="always"). Called as functions, they
# compiled faster (the four transforms, as they were then: 2.3-2.6 s instead of 3.3 s in a new process, about
# what the unrolled F(2x2) transforms took), but the toy ResNet's layers took 4-10% longer
# (forward + backward, one thread, interleaved): the time of every step against a second
# once per machine (``minikeras warmup`` compiles them).

@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _combine(dst, at_dst, coefs, src, at_src, stride, count):
    """dst[at_dst + q] = sum over k of coefs[k] * src[at_src + k*stride + q], for q < count, in
    one sweep over q: each value of dst is written once. Flat arrays, unsigned offsets (as in
    im2col.py: LLVM then vectorizes the loop over q); at most MAX_TERMS coefficients.

    The sum always has MAX_TERMS terms: a missing one has coefficient 0 and reads the first
    run again. For finite values a zero term changes nothing (x + 0*y == x; at most the sign of a
    zero result), so the sum equals the one that skips zero coefficients, term by term in the
    same order. A sweep per nonzero coefficient, as this once was, read and wrote dst again for
    every term. Measured against that, one thread, 2026-12-05: the seed CNN's second layer (16
    images) input transform 800-824 -> 564-568 us, output 185 -> 160 us; the toy ResNet's
    30x30x32 layer (32 images) input 1129-1253 -> 802-855 us, output 1790-1904 -> 1541-1578
    us, dy 2067-2421 -> 2010-2019 us; its 9x9 layers alike, but for the dy transform (111-137 ->
    139-140 us: its rows have m terms, and the sweep always adds MAX_TERMS; a second loop for
    at most 4 terms was 0.985-0.998x on the toy ResNet's step, not kept). Whole models: seed CNN
    predict_on_batch 0.88-0.94x, toy ResNet training step 0.91-0.96x."""
    k = coefs.shape[0]
    zero = coefs.dtype.type(0)
    c0, c1 = coefs[0], coefs[1] if k > 1 else zero
    c2, c3 = coefs[2] if k > 2 else zero, coefs[3] if k > 3 else zero
    c4, c5 = coefs[4] if k > 4 else zero, coefs[5] if k > 5 else zero
    o0 = at_src
    o1 = at_src + stride if k > 1 else o0
    o2 = at_src + np.uint64(2) * stride if k > 2 else o0
    o3 = at_src + np.uint64(3) * stride if k > 3 else o0
    o4 = at_src + np.uint64(4) * stride if k > 4 else o0
    o5 = at_src + np.uint64(5) * stride if k > 5 else o0
    for q in range(count):
        dst[at_dst + q] = (c0 * src[o0 + q] + c1 * src[o1 + q] + c2 * src[o2 + q]
                           + c3 * src[o3 + q] + c4 * src[o4 + q] + c5 * src[o5 + q])


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _copy(dst, at_dst, src, at_src, count):
    """dst[at_dst + q] = src[at_src + q] for q < count."""
    for q in range(count):
        dst[at_dst + q] = src[at_src + q]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _add(dst, at_dst, src, at_src, count):
    """dst[at_dst + q] += src[at_src + q] for q < count."""
    for q in range(count):
        dst[at_dst + q] += src[at_src + q]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _fill_zero(a):
    """a[:] = 0 for a flat array, as a loop. The transforms' work arrays are all flat and made
    by np.empty, so numba compiles one allocation for them; np.zeros and the slice fill
    added 0.1-0.2 s of compiling to a new process."""
    for q in range(a.shape[0]):
        a[q] = 0


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, inline="always")
def _zeros(size, dtype):
    """np.zeros(size, dtype), made as _fill_zero says."""
    a = np.empty(size, dtype)
    _fill_zero(a)
    return a


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _input_transform(x, pt, pl, m, th, tw, BT, V):
    """input_transform with its matrix BT as an argument: s x k, for tiles of k x k pixels
    every m pixels (s = k = m + r - 1; dy_transform passes AT^T, s x m, for dy's m x m tiles)."""
    s, k = BT.shape
    n, h, w, c = x.shape
    height, width = m * (th - 1) + k, m * (tw - 1) + k
    cf, out = _zeros(height * width * c, x.dtype), flat_view(V)   # the canvas
    cc, plane = np.uint64(c), np.uint64(V.shape[1] * c)
    strip, run = np.uint64(width * c), np.uint64(tw * c)
    rows = np.empty(s * width * c, x.dtype)           # BT d for a tile row: s canvas-wide rows
    order = np.empty(s * k * tw * c, x.dtype)         # the same as (i, l, tile, channel)
    of, tf = flat_view(rows), flat_view(order)
    for b in range(n):
        _move_image(x, b, pt, pl, cf, height, width, True)
        for ty in range(th):
            t0 = np.uint64((b * th + ty) * tw) * cc
            # 1. row i of BT d = sum over r of BT[i, r] times canvas row m*ty + r (all tiles at once)
            for i in range(s):
                _combine(of, np.uint64(i) * strip, BT[i], cf, np.uint64(m * ty) * strip, strip, strip)
            # 2. gathered: order[i, l, tile tx] = rows[i, column m*tx + l]
            for i in range(s):
                for l in range(k):
                    for tx in range(tw):
                        _copy(tf, np.uint64((i * k + l) * tw + tx) * cc, of,
                              np.uint64(i) * strip + np.uint64(m * tx + l) * cc, cc)
            # 3. V[s*i + j, tiles] = sum over l of BT[j, l] order[i, l, tiles]
            for i in range(s):
                for j in range(s):
                    _combine(out, np.uint64(s * i + j) * plane + t0, BT[j], tf, np.uint64(i * k) * run, run, run)


def input_transform(x, pt, pl, m, th, tw, V):
    """V[:, t] = BT d BT^T, d the s x s tile t (s = m + r - 1, tiles every m pixels) of channel
    c of x padded by pt (top) and pl (left); tiles in order (image, tile row, tile column);
    cells outside x read 0.

    x (n, h, w, c); V (s*s, rows, c), rows >= n*th*tw (only the first n*th*tw are written);
    k = s*i + j for entry (i, j) of the s x s result.

    Each image is first copied into a zero-bordered canvas that the whole tile grid fits
    in, so the transform reads whole rows, contiguous, without bounds tests."""
    _input_transform(x, pt, pl, m, th, tw, _matrices(V.shape[0], x.dtype, m=m)[0], V)


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _output_transform(M, th, tw, AT, y):
    """output_transform with its matrix AT (m x s) as an argument."""
    m, s = AT.shape
    n, oh, ow, c = y.shape
    src, out = flat_view(M), flat_view(y)
    cc, plane, run = np.uint64(c), np.uint64(M.shape[1] * c), np.uint64(tw * c)
    cols = np.empty(s * m * tw * c, M.dtype)          # M AT^T: (r, j, tile, channel)
    tiles = np.empty(m * m * tw * c, M.dtype)         # AT M AT^T: (i, j, tile, channel)
    qf, yf = flat_view(cols), flat_view(tiles)
    for b in range(n):
        for ty in range(th):
            t0 = np.uint64((b * th + ty) * tw) * cc
            # 1. (M AT^T)[r, j] = sum over l of AT[j, l] M[s*r + l]
            for r in range(s):
                for j in range(m):
                    _combine(qf, np.uint64(r * m + j) * run, AT[j], src, np.uint64(s * r) * plane + t0, plane, run)
            # 2. (AT M AT^T)[i, j] = sum over r of AT[i, r] (M AT^T)[r, j], for the rows inside y
            inside = min(m, oh - m * ty)
            for i in range(inside):
                _combine(yf, np.uint64(i * m) * run, AT[i], qf, np.uint64(0), np.uint64(m) * run, np.uint64(m) * run)
            # 3. y[m*ty + i, m*tx + j] = tiles[i, j, tx], outputs past y's edge dropped
            for i in range(inside):
                for tx in range(tw):
                    for j in range(min(m, ow - m * tx)):
                        _copy(out, np.uint64(((b * oh + m * ty + i) * ow + m * tx + j) * c), yf,
                              np.uint64((i * m + j) * tw + tx) * cc, cc)


def output_transform(M, m, th, tw, y):
    """y tile t = AT M[:, t] AT^T (m x m per tile and channel), outputs past y's edge dropped.

    M (s*s, rows, c) as V (the first n*th*tw rows are read); y (n, oh, ow, c) with
    oh <= m*th, ow <= m*tw."""
    _output_transform(M, th, tw, _matrices(M.shape[0], M.dtype, m=m)[2], y)


def dy_transform(dy, m, th, tw, dyhat):
    """dyhat[:, t] = AT^T e AT, e the m x m tile t of dy (zero past dy's edge): the gradient
    of M given the gradient of y. dy (n, oh, ow, c); dyhat (s*s, rows >= n*th*tw, c).

    This is input_transform's computation with AT^T (s x m) in place of BT, on m x m tiles
    every m pixels (side by side, not overlapping), so it runs the same kernel: a kernel of
    its own (gathering the tiles of dy directly, without the canvas) took 0.7 s to compile in
    a new process and was no faster (toy ResNet's and seed CNN's layers, one thread: 0.9-1.3x
    the time of this one)."""
    _input_transform(dy, 0, 0, m, th, tw, _matrices(dyhat.shape[0], dy.dtype, m=m)[3], dyhat)


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _dx_transform(dV, pt, pl, m, th, tw, B, dx):
    """dx_transform with B = BT^T (s x s) as an argument."""
    s = B.shape[0]
    n, h, w, c = dx.shape
    height, width = m * (th - 1) + s, m * (tw - 1) + s
    src, cf = flat_view(dV), np.empty(height * width * c, dx.dtype)   # the canvas
    cc, plane, run = np.uint64(c), np.uint64(dV.shape[1] * c), np.uint64(tw * c)
    cols = np.empty(s * s * tw * c, dx.dtype)         # dV BT: (i, l, tile, channel)
    cells = np.empty(s * s * tw * c, dx.dtype)        # BT^T dV BT: (r, l, tile, channel)
    gf, hf = flat_view(cols), flat_view(cells)
    for b in range(n):
        _fill_zero(cf)
        for ty in range(th):
            t0 = np.uint64((b * th + ty) * tw) * cc
            # 1. (dV BT)[i, l] = sum over j of BT[j, l] dV[s*i + j]
            for i in range(s):
                for l in range(s):
                    _combine(gf, np.uint64(i * s + l) * run, B[l], src, np.uint64(s * i) * plane + t0, plane, run)
            # 2. (BT^T dV BT)[r, l] = sum over i of BT[i, r] (dV BT)[i, l]
            for r in range(s):
                _combine(hf, np.uint64(r * s) * run, B[r], gf, np.uint64(0), np.uint64(s) * run, np.uint64(s) * run)
            # 3. added onto the tiles' cells: canvas[m*ty + r, m*tx + l] += cells[r, l, tile tx]
            for r in range(s):
                for tx in range(tw):
                    for l in range(s):
                        _add(cf, np.uint64(((m * ty + r) * width + m * tx + l) * c), hf,
                             np.uint64((r * s + l) * tw + tx) * cc, cc)
        _move_image(dx, b, pt, pl, cf, height, width, False)


def dx_transform(dV, pt, pl, m, th, tw, dx):
    """dx += BT^T dV[:, t] BT on the s x s cells of tile t (the adjoint of input_transform);
    neighbouring tiles overlap, so this adds; cells in the padding are dropped.

    dV (s*s, rows >= n*th*tw, c); dx (n, h, w, c). As input_transform, each image's tiles
    are added onto a zero-bordered canvas first, whose part over the image goes into dx."""
    _dx_transform(dV, pt, pl, m, th, tw, _matrices(dV.shape[0], dV.dtype, m=m)[4], dx)


def kernel_transform(kernel, U):
    """U[k] = (G g G^T)[k] for every channel pair: kernel (r, r, cin, cout) -> U (s*s, cin, cout).

    Two matrix products with G over all cin*cout filters at once (13 us for 64x64 channels
    and F(2x2, 3x3); numpy's einsum, as in the reference, took 0.5 ms, and a numba loop 0.2 ms)."""
    r, _, cin, cout = kernel.shape
    pairs = cin * cout
    G = _matrices(U.shape[0], kernel.dtype, r=r)[1]
    s = G.shape[0]
    rows = np.matmul(G, kernel.reshape(r, r * pairs)).reshape(s, r, pairs)   # G g
    np.matmul(G, rows, out=U.reshape(s, s, pairs))                            # (G g) G^T, row by row


def kernel_gradient_transform(dU, dkernel):
    """dkernel = G^T dUhat G for every channel pair: dU (s*s, cin, cout) -> dkernel (r, r, cin, cout)."""
    _, cin, cout = dU.shape
    r = dkernel.shape[0]
    pairs = cin * cout
    G = _matrices(dU.shape[0], dU.dtype, r=r)[1]
    s = G.shape[0]
    rows = np.matmul(G.T, dU.reshape(s, s * pairs)).reshape(r, s, pairs)     # G^T dUhat
    np.matmul(G.T, rows, out=dkernel.reshape(r, r, pairs))                   # (G^T dUhat) G, row by row


def transformed_kernel(kernel, m, transposed=False):
    """The kernel's s*s transformed planes U (s*s, cin, cout) for tiles of m x m outputs, or
    U transposed plane by plane (s*s, cout, cin), C-contiguous: what dV = dyhat @ U^T reads
    fastest in backward.

    A convolution split over threads makes them once, before the split, and every part
    reads them: each part used to make its own, the same work in every thread at the
    moment they all start."""
    r, _, cin, cout = kernel.shape
    planes = (m + r - 1) ** 2
    U = buffers.empty((planes, cin, cout), kernel.dtype)
    kernel_transform(kernel, U)
    if not transposed:
        return U
    UT = buffers.empty((planes, cout, cin), kernel.dtype)
    np.copyto(UT, U.transpose(0, 2, 1))
    return UT


def _images_per_chunk(n, planes, tiles, channels, itemsize):
    return int(max(1, min(n, CHUNK_BYTES // max(1, planes * tiles * channels * itemsize))))


def _planes(planes, rows, channels, dtype):
    """A C-contiguous (planes, r, channels) buffer for the transformed tiles of a chunk, r >= rows.

    r is odd: with an even number of rows the planes may lie a multiple of 4 KB apart
    (128 rows of 64 float32 channels: exactly 32 KB), so the transforms, which touch all
    planes for every tile, hit the same few cache sets; that made input_transform 4x slower
    on the toy ResNet's 9x9 -> 7x7 layer. The transforms fill the first n*th*tw rows and the
    GEMMs read views of them."""
    return buffers.empty((planes, rows | 1, channels), dtype)


def _check_sizes(m, kernel):
    """The tile side n = m + r - 1 of F(m x m, r x r) for this kernel (r x r), checked."""
    kh, kw = kernel.shape[:2]
    if kh != kw or kh not in TILE_SIZES or m not in TILE_SIZES[kh]:
        raise ValueError(f"winograd: tile size m={m!r} for a {kh}x{kw} kernel; expected square kernels with "
                         f"(r: tile sizes m) {TILE_SIZES}")
    return m + kh - 1


# Why the chunk loops are numba functions. A convolution split over threads (conv.py) runs
# one part per thread, and a part was a Python loop over its chunks: per chunk, four
# calls into numba and numpy, each of which has to take the GIL back when it returns. Both
# parts do that at the same moments, so the threads kept waiting for each other's GIL, and
# on this 2-vCPU guest a thread that waits for the GIL sleeps and takes 50-100 us to wake.
# As one numba call (nogil) a part needs the GIL only to start, and the calling thread makes
# every part's arrays before the split (``forward_call``, ``backward_call``), so a helper
# thread, once woken, only calls the loop. The GEMMs are numba's np.dot, one per transformed
# plane (OpenBLAS, as numpy's matmul). Measured with ``benchmarks/ab.py`` (2026-12-05,
# against the Python loop): toy ResNet training step 0.944-0.951x the time (41.6 -> 39.7
# ms), its predict_on_batch 0.956-0.961x, the seed CNN's predict_on_batch 0.940x. Running
# the two parts on numba's OpenMP threads instead was 2-4% slower than the Python loop:
# their spinning threads then take the second CPU from the Python threads of the pooling
# and activation kernels next to the convolutions (as dense.py describes).

@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def forward_chunks(x, U, m, th, tw, pt, pl, BT, AT, activate, bias, code, nb, V, M, y, y_rows):
    """winograd_forward's work, nb images at a time (the arguments: ``forward_call``)."""
    n, oh, ow, _ = y.shape
    pixels = oh * ow
    for b0 in range(0, n, nb):
        b1 = min(n, b0 + nb)
        rows = (b1 - b0) * th * tw
        _input_transform(x[b0:b1], pt, pl, m, th, tw, BT, V)
        for k in range(U.shape[0]):
            np.dot(V[k, :rows], U[k], M[k, :rows])
        _output_transform(M, th, tw, AT, y[b0:b1])
        if activate:
            activate_rows(y_rows[b0 * pixels:b1 * pixels], bias, code)


ForwardCall = namedtuple("ForwardCall", "x U m th tw pt pl BT AT activate bias code nb V M y y_rows")


def forward_call(x, kernel, m, out_hw, pads, bias=None, code=LINEAR, y=None, U=None):
    """The arguments of ``forward_chunks`` for winograd_forward(x, kernel, ...): every array it
    reads and writes, the work arrays and y (``y_rows``: y as (pixels, cout) rows) included."""
    planes = _check_sizes(m, kernel) ** 2
    n, _, _, cin = x.shape
    cout = kernel.shape[3]
    th, tw = tile_grid(out_hw, m)
    tiles = th * tw
    if y is None:
        y = buffers.empty((n,) + tuple(out_hw) + (cout,), x.dtype)
    if U is None:
        U = transformed_kernel(kernel, m)
    nb = _images_per_chunk(n, planes, tiles, max(cin, cout), x.dtype.itemsize)
    V, M = _planes(planes, nb * tiles, cin, x.dtype), _planes(planes, nb * tiles, cout, x.dtype)
    BT, _, AT = _matrices(planes, x.dtype, m=m)[:3]
    activate = bias is not None or code != LINEAR
    bias = np.zeros(cout, x.dtype) if bias is None else np.ascontiguousarray(bias, dtype=x.dtype)
    return ForwardCall(x, U, m, th, tw, pads[0][0], pads[1][0], BT, AT, activate, bias, code, nb, V, M, y,
                       y.reshape(-1, cout))


def winograd_forward(x, kernel, m, out_hw, pads, bias=None, code=LINEAR, y=None, U=None):
    """y = act(conv(x, kernel) + bias) for an r x r kernel (r = 3 or 4), stride 1, explicit pads, with m x m
    output tiles, chunk by chunk of images (as conv_gemm.forward_gemm; ``y``, if given, is
    the output to fill; ``U``, if given, is ``transformed_kernel(kernel, m)``)."""
    call = forward_call(x, kernel, m, out_hw, pads, bias, code, y, U)
    forward_chunks(*call)
    return call.y


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def backward_chunks(x, dy, m, th, tw, pt, pl, BT, ATT, B, need_dx, UT, nb, V, D, dV, product, dU, dx,
                    fused, code, y_rows, dy_rows, dz, dz_rows, dbias):
    """winograd_backward's work, nb images at a time (the arguments: ``backward_call``):
    dU += V^T dyhat per plane; with need_dx, dx += the input gradient (dx_transform).
    ``fused``: dy is the gradient of act(conv + bias) = y (``y_rows``: y as rows of channels);
    each chunk of dy first becomes dz = dy * act'(y) (in the chunk-sized ``dz``) and its
    column sums are added to dbias (float64)."""
    n = x.shape[0]
    pixels = dy.shape[1] * dy.shape[2]
    no_padding = np.int64(0)
    dU_flat, product_flat, size = flat_view(dU), flat_view(product), np.uint64(dU.size)
    for b0 in range(0, n, nb):
        b1 = min(n, b0 + nb)
        rows = (b1 - b0) * th * tw
        gradient = dy[b0:b1]
        if fused:
            backward_rows(dy_rows[b0 * pixels:b1 * pixels], y_rows[b0 * pixels:b1 * pixels],
                          dz_rows[:(b1 - b0) * pixels], dbias, code)
            gradient = dz[:b1 - b0]
        _input_transform(x[b0:b1], pt, pl, m, th, tw, BT, V)
        _input_transform(gradient, no_padding, no_padding, m, th, tw, ATT, D)   # dy_transform
        for k in range(dU.shape[0]):
            np.dot(V[k, :rows].T, D[k, :rows], product[k])
        _add(dU_flat, np.uint64(0), product_flat, np.uint64(0), size)
        if need_dx:
            for k in range(dU.shape[0]):
                np.dot(D[k, :rows], UT[k], dV[k, :rows])
            _dx_transform(dV, pt, pl, m, th, tw, B, dx[b0:b1])


BackwardCall = namedtuple("BackwardCall", "x dy m th tw pt pl BT ATT B need_dx UT nb V D dV product dU dx "
                                          "fused code y_rows dy_rows dz dz_rows dbias")


def backward_call(x, kernel, dy, m, pads, need_dx, dx=None, UT=None, y=None, code=LINEAR):
    """The arguments of ``backward_chunks`` for winograd_backward(x, kernel, dy, ...), as
    ``forward_call``; with ``y`` (the output of act(conv + bias)) and ``code``, those of
    winograd_activation_backward. Its ``dU`` (zeros) collects the transformed kernel
    gradient (the kernel gradient is ``kernel_gradient(dU)``) and its ``dbias`` the bias
    gradient (float64). Empty arrays of the right types stand in for the arrays a call
    does not use (without dx, without an activation)."""
    planes = _check_sizes(m, kernel) ** 2
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    n, _, _, cin = x.shape
    cout = kernel.shape[3]
    th, tw = tile_grid(dy.shape[1:3], m)
    tiles = th * tw
    if need_dx and dx is None:
        dx = buffers.zeros(x.shape, x.dtype)
    if need_dx and UT is None:   # dV[k] = dyhat[k] @ U[k]^T: U[k]^T contiguous, as BLAS runs it fastest
        UT = transformed_kernel(kernel, m, transposed=True)
    nb = _images_per_chunk(n, planes, tiles, max(cin, cout), x.dtype.itemsize)
    V, D = _planes(planes, nb * tiles, cin, x.dtype), _planes(planes, nb * tiles, cout, x.dtype)
    dV = _planes(planes, nb * tiles, cin, x.dtype) if need_dx else np.empty((planes, 0, cin), x.dtype)
    dU, product = buffers.zeros((planes, cin, cout), x.dtype), buffers.empty((planes, cin, cout), x.dtype)
    BT, _, _, ATT, B = _matrices(planes, x.dtype, m=m)
    if not need_dx:
        UT, dx = np.empty((planes, 0, 0), x.dtype), np.empty((0,) + x.shape[1:], x.dtype)
    fused = y is not None
    no_rows = np.empty((0, cout), x.dtype)
    y_rows = np.ascontiguousarray(y, dtype=x.dtype).reshape(-1, cout) if fused else no_rows
    dz = buffers.empty((nb,) + dy.shape[1:], x.dtype) if fused else np.empty((0,) + dy.shape[1:], x.dtype)
    return BackwardCall(x, dy, m, th, tw, pads[0][0], pads[1][0], BT, ATT, B, need_dx, UT, nb, V, D, dV, product,
                        dU, dx, fused, code, y_rows, dy.reshape(-1, cout), dz, dz.reshape(-1, cout), np.zeros(cout))


def kernel_gradient(dU, kernel_size):
    """dkernel (r, r, cin, cout) from the summed transformed gradient dU (s*s, cin, cout)."""
    dkernel = np.empty((kernel_size, kernel_size) + dU.shape[1:], dU.dtype)
    kernel_gradient_transform(dU, dkernel)
    return dkernel


def winograd_backward(x, kernel, dy, m, pads, need_dx, dx=None, UT=None):
    """(dx or None, dkernel) of winograd_forward without bias/activation; ``dx``, if given,
    is a zero-filled C-contiguous array to add the input gradient to; ``UT``, if given, is
    ``transformed_kernel(kernel, m, transposed=True)``."""
    call = backward_call(x, kernel, dy, m, pads, need_dx, dx, UT)
    backward_chunks(*call)
    return (call.dx if need_dx else None), kernel_gradient(call.dU, kernel.shape[0])


def winograd_activation_backward(x, kernel, y, dy, code, has_bias, m, pads, need_dx, dx=None, UT=None):
    """(dx or None, dkernel, dbias or None) of winograd_forward with its bias and activation
    (``code``, not softmax), given its output y and dL/dy: the activation's backward pass done
    chunk by chunk inside the loop (``backward_chunks``), where a chunk of dz stays in cache
    instead of a whole dz written and read again (activations.bias_activation_backward), and
    on both threads of a split layer (a 9x9x64 layer's separate pass, 0.15-0.25 ms in a
    toy-ResNet step, is too small to split). Measured with ``benchmarks/ab.py`` (2026-12-05,
    against the separate pass): toy ResNet training step 0.952-0.969x the time."""
    call = backward_call(x, kernel, dy, m, pads, need_dx, dx, UT, y, code)
    backward_chunks(*call)
    return ((call.dx if need_dx else None), kernel_gradient(call.dU, kernel.shape[0]),
            call.dbias.astype(x.dtype) if has_bias else None)
