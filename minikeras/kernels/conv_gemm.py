"""A convolution as GEMMs on im2col matrices, chunk by chunk (fast backend).

With explicit padding, one thread's share of a batch:

    forward:   y      = cols @ kernel2d                 (bias + activation fused per chunk)
    backward:  dkernel = cols.T @ dy,   dcols = dy @ kernel2d.T,   dx = col2im(dcols)

where cols = im2col(x) (``im2col.py``) and kernel2d = kernel.reshape(kh*kw*cin, cout); the
products without a transposed operand (y, and dcols with kernel2d.T copied) run in row
blocks (``gemm.py``).
The cols matrix is kh*kw times larger than x, so it is built for a few images at a
time (``CHUNK_BYTES``) in one reused buffer; a chunk that fits in cache also makes the
GEMM and the copy faster. A 1x1 convolution needs no copying at all: it is a GEMM on
(a strided view of) x.

With groups, input and output channels are split into ``groups`` equal slices and
slice g of the output only sees slice g of the input: one im2col and one GEMM per group.

3x3 and 4x4 stride-1 convolutions with enough channels do not come here but go to ``winograd.py``
(chosen in ``conv.py``); transposed convolutions and every other shape do.
"""
import numpy as np

from . import buffers
from .activation_codes import LINEAR
from .activations import bias_activation_inplace
from .gemm import matmul
from .im2col import col2im, im2col, im2col_one_channel

__all__ = ["CHUNK_BYTES", "forward_gemm", "backward_gemm"]

# Bytes of im2col buffer per chunk of images: big enough that the GEMMs stay
# efficient, small enough to stay in cache. Measured on the seed CNN and toy ResNet
# convolutions (forward + backward): 1-4 MB chunks were fastest; 16-64 MB chunks,
# or the whole batch at once, 25-35% slower. Since the batch is split over threads
# (each filling its own buffer next to its own 2 MB L2), whole training steps,
# interleaved, 1 MB vs 4 MB: toy ResNet 0.90-0.92x, seed CNN 0.96x the time, idle or
# loaded machine; 0.5-2 MB within 4% of 1 MB, 0.25 MB 10% slower.
CHUNK_BYTES = 1 << 20


def _group_matrices(kernel, groups):
    """kernel (kh, kw, cg, cout) -> one C-contiguous (kh*kw*cg, cout/groups) matrix per group."""
    kh, kw, cg, cout = kernel.shape
    cog = cout // groups
    return [np.ascontiguousarray(kernel[..., g * cog:(g + 1) * cog]).reshape(kh * kw * cg, cog)
            for g in range(groups)]


def _chunk_cols(x, kh, kw, strides, pads, dilation, c0, cg, out_hw, buffer):
    """The im2col matrix (x's output pixels, kh*kw*cg) of one chunk of images, in ``buffer``
    (flat). For a one-channel input it is the transposed view of im2col_one_channel's."""
    (sh, sw), (dh, dw), (oh, ow) = strides, dilation, out_hw
    rows, depth = x.shape[0] * oh * ow, kh * kw * cg
    if x.shape[3] == 1:
        cols_t = buffer[:rows * depth].reshape(depth, rows)
        im2col_one_channel(x, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, oh, ow, cols_t)
        return cols_t.T
    cols = buffer[:rows * depth].reshape(rows, depth)
    im2col(x, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, c0, oh, ow, cols)
    return cols


def _images_per_chunk(batch, pixels, depth, itemsize):
    return int(max(1, min(batch, CHUNK_BYTES // max(1, pixels * depth * itemsize))))


def _is_pointwise(kernel_hw, pads):
    return kernel_hw == (1, 1) and pads == ((0, 0), (0, 0))


def _sampled_pixels(x, strides, out_hw):
    """The input pixels a 1x1 convolution reads, as a (pixels, channels) matrix."""
    (sh, sw), (oh, ow) = strides, out_hw
    return np.ascontiguousarray(x[:, ::sh, ::sw][:, :oh, :ow]).reshape(-1, x.shape[3])


def forward_gemm(x, kernel, out_hw, strides, pads, dilation, groups, bias=None, code=LINEAR, y=None):
    """y = act(conv(x) + bias) for explicit pads, the bias and activation applied per chunk
    while y is in cache. ``y``, if given, is the C-contiguous output to fill (a batch slice)."""
    n = x.shape[0]
    kh, kw, cg, cout = kernel.shape
    oh, ow = out_hw
    cog = cout // groups
    wmats = _group_matrices(kernel, groups)
    if y is None:
        y = buffers.empty((n, oh, ow, cout), x.dtype)
    y2d = y.reshape(-1, cout)
    if _is_pointwise((kh, kw), pads):
        xs = _sampled_pixels(x, strides, out_hw)
        for g in range(groups):
            if groups == 1:
                matmul(xs, wmats[0], y2d)
            else:
                y2d[:, g * cog:(g + 1) * cog] = xs[:, g * cg:(g + 1) * cg] @ wmats[g]
        return bias_activation_inplace(y, bias, code)
    pixels = oh * ow
    nb = _images_per_chunk(n, pixels, kh * kw * cg, x.dtype.itemsize)
    cols_buffer = buffers.empty(nb * pixels * kh * kw * cg, x.dtype)
    for b0 in range(0, n, nb):
        b1 = min(n, b0 + nb)
        out = y2d[b0 * pixels:b1 * pixels]
        for g in range(groups):
            cols = _chunk_cols(x[b0:b1], kh, kw, strides, pads, dilation, g * cg, cg, out_hw, cols_buffer)
            if groups == 1:
                matmul(cols, wmats[0], out)
            else:
                out[:, g * cog:(g + 1) * cog] = cols @ wmats[g]
        bias_activation_inplace(out, bias, code)
    return y


def backward_gemm(x, x_shape, kernel, dy, strides, pads, dilation, groups, need_dx, need_dkernel, dx=None):
    """(dx, dkernel) of conv(x) for explicit pads. x may be None when only dx is needed.

    ``dx``, if given, is a zero-filled C-contiguous array to add the input gradient to."""
    n = x_shape[0]
    kh, kw, cg, cout = kernel.shape
    _, oh, ow, _ = dy.shape
    (sh, sw), (dh, dw) = strides, dilation
    cog = cout // groups
    dy2d = dy.reshape(-1, cout)
    if need_dx and dx is None:
        dx = buffers.zeros(x_shape, dy.dtype)
    dmats = [None] * groups
    # dcols = dy @ kernel2d.T, with kernel2d.T made contiguous once (a few us): as a product of
    # untransposed operands it runs in gemm.py's fast row blocks (seed CNN's second layer,
    # one image: 190 -> 134 us)
    wmats_t = [np.ascontiguousarray(w.T) for w in _group_matrices(kernel, groups)] if need_dx else None
    if _is_pointwise((kh, kw), pads):
        xs = _sampled_pixels(x, strides, (oh, ow)) if need_dkernel else None
        for g in range(groups):
            dyg = dy2d[:, g * cog:(g + 1) * cog]
            if need_dkernel:
                dmats[g] = xs[:, g * cg:(g + 1) * cg].T @ dyg
            if need_dx:
                dx[:, ::sh, ::sw, g * cg:(g + 1) * cg][:, :oh, :ow] = (dyg @ wmats_t[g]).reshape(n, oh, ow, cg)
    else:
        pixels = oh * ow
        nb = _images_per_chunk(n, pixels, kh * kw * cg, dy.dtype.itemsize)
        cols_buffer = buffers.empty(nb * pixels * kh * kw * cg, dy.dtype) if need_dkernel else None
        dcols_buffer = buffers.empty((nb * pixels, kh * kw * cg), dy.dtype) if need_dx else None
        for b0 in range(0, n, nb):
            b1 = min(n, b0 + nb)
            dyc = dy2d[b0 * pixels:b1 * pixels]
            for g in range(groups):
                dyg = dyc[:, g * cog:(g + 1) * cog]
                if need_dkernel:
                    cols = _chunk_cols(x[b0:b1], kh, kw, strides, pads, dilation, g * cg, cg, (oh, ow), cols_buffer)
                    part = cols.T @ dyg
                    dmats[g] = part if dmats[g] is None else np.add(dmats[g], part, out=dmats[g])
                if need_dx:
                    dcols = matmul(dyg, wmats_t[g], dcols_buffer[:(b1 - b0) * pixels])
                    col2im(dcols, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, g * cg, oh, ow, dx[b0:b1])
    dkernel = None
    if need_dkernel:
        dkernel = np.concatenate([m.reshape(kh, kw, cg, cog) for m in dmats], axis=3) if groups > 1 \
            else dmats[0].reshape(kh, kw, cg, cout)
    return dx, dkernel
