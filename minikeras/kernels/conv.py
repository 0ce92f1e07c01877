"""2-D convolutions in NHWC layout: plain, grouped, depthwise and transposed.

Layouts follow Keras ("channels_last"):

    x       (batch, height, width, in_channels)
    kernel  (kh, kw, in_channels // groups, out_channels)
    y       (batch, out_height, out_width, out_channels)

Padding is explicit, ((top, bottom), (left, right)); ``conv_padding`` turns Keras's
'valid' / 'same' / 'causal' into those numbers (TensorFlow rule: when the total
padding is odd, the extra cell goes at the end).

How it is computed (im2col): every output pixel needs the kh*kw*cin input values
under its window. Copying them into one row of a matrix ``cols`` turns the whole
convolution into one matrix product, cols (pixels, kh*kw*cin) @ kernel
(kh*kw*cin, cout), which BLAS runs near peak speed; in NHWC the product *is* y, no
transpose needed. numba does the copying (``_im2col``). Backward is two more GEMMs:

    dkernel = cols.T @ dy          dcols = dy @ kernel.T,  dx = col2im(dcols)

where ``_col2im`` adds every row of dcols back onto the input pixels it came from.
The cols matrix is kh*kw times larger than x, so it is built for a few images at a
time (``_CHUNK_BYTES``) and reused; a chunk that fits in cache also makes the GEMM
and the copy faster. A 1x1 convolution needs no copying at all: it is a GEMM on x.

With groups, input and output channels are split into ``groups`` equal slices and
slice g of the output only sees slice g of the input: one im2col and one GEMM per
group. Depthwise convolution (one group per input channel) would make that many
tiny GEMMs, so it has its own direct loops instead.

A transposed convolution (Keras Conv2DTranspose) is exactly the input-gradient of
an ordinary convolution, so it reuses the backward code: its forward is col2im of
x @ kernel.T and its backward is an ordinary forward convolution of dy.
"""
import numpy as np
from numba import njit

from . import buffers
from .threads import batch_parts, run_parts
from .activations import LINEAR, bias_activation_inplace

__all__ = [
    "conv_padding", "conv_output_length", "conv_transpose_output_length",
    "conv2d_forward", "conv2d_backward", "conv2d_forward_reference", "conv2d_backward_reference",
    "depthwise_conv2d_forward", "depthwise_conv2d_backward",
    "depthwise_conv2d_forward_reference", "depthwise_conv2d_backward_reference",
    "conv2d_transpose_forward", "conv2d_transpose_backward",
    "conv2d_transpose_forward_reference", "conv2d_transpose_backward_reference",
]

# Bytes of im2col buffer per chunk of images: big enough that the GEMMs stay
# efficient, small enough to stay in cache. Measured on the seed CNN and toy ResNet
# convolutions (forward + backward): 1-4 MB chunks were fastest; 16-64 MB chunks,
# or the whole batch at once, 25-35% slower. Since the batch is split over threads
# (each filling its own buffer next to its own 2 MB L2), whole training steps,
# interleaved, 1 MB vs 4 MB: toy ResNet 0.90-0.92x, seed CNN 0.96x the time, idle or
# loaded machine; 0.5-2 MB within 4% of 1 MB, 0.25 MB 10% slower.
_CHUNK_BYTES = 1 << 20


# --------------------------------------------------------------------------- sizes

def _effective(kernel_size, dilation):
    return (kernel_size - 1) * dilation + 1


def conv_padding(input_size, kernel_size, stride, dilation, mode):
    """(pad_before, pad_after) along one axis for Keras padding 'valid', 'same' or 'causal'."""
    k = _effective(kernel_size, dilation)
    if mode == "valid":
        return 0, 0
    if mode == "same":
        out = -(-input_size // stride)
        total = max((out - 1) * stride + k - input_size, 0)
        return total // 2, total - total // 2
    if mode == "causal":  # Conv1D: output t sees inputs up to t only
        return k - 1, 0
    raise ValueError(f"Unknown padding mode {mode!r}: expected 'valid', 'same' or 'causal'")


def conv_output_length(input_size, kernel_size, stride, dilation, padding):
    """Output length along one axis; padding is a mode string or (before, after)."""
    if isinstance(padding, str):
        padding = conv_padding(input_size, kernel_size, stride, dilation, padding)
    span = input_size + padding[0] + padding[1] - _effective(kernel_size, dilation)
    return span // stride + 1 if span >= 0 else 0


def conv_transpose_output_length(input_size, kernel_size, stride, dilation, mode, output_padding=None):
    """Keras Conv2DTranspose output length (Keras 2 ``conv_utils.deconv_length``)."""
    k = _effective(kernel_size, dilation)
    if output_padding is None:
        if mode == "valid":
            return input_size * stride + max(k - stride, 0)
        if mode == "same":
            return input_size * stride
    else:
        pad = {"same": k // 2, "valid": 0}.get(mode)
        if pad is not None:
            return (input_size - 1) * stride + k - 2 * pad + output_padding
    raise ValueError(f"Unknown padding mode {mode!r}: expected 'valid' or 'same'")


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def _resolve_padding(padding, hw, kernel_hw, strides, dilation):
    if isinstance(padding, str):
        return tuple(conv_padding(n, k, s, d, padding) for n, k, s, d in zip(hw, kernel_hw, strides, dilation))
    return tuple(_pair(p) for p in padding)


# --------------------------------------------------------------------------- numba kernels

# The copy loops index flat views with *unsigned* offsets. With a signed index numba
# must handle negative (wrap-around) indices, and that test stops LLVM from turning
# the loop into a vectorized copy: unsigned offsets make im2col about 5x faster.

@njit(cache=True)
def _copy_run(dst, d0, src, s0, length):
    d0, s0 = np.uint64(d0), np.uint64(s0)
    for t in range(np.uint64(length)):
        dst[d0 + t] = src[s0 + t]


@njit(cache=True)
def _add_run(dst, d0, src, s0, length):
    d0, s0 = np.uint64(d0), np.uint64(s0)
    for t in range(np.uint64(length)):
        dst[d0 + t] += src[s0 + t]


@njit(cache=True)
def _zero_run(dst, d0, length):
    d0 = np.uint64(d0)
    for t in range(np.uint64(length)):
        dst[d0 + t] = 0


@njit(cache=True, nogil=True)
def _im2col(x, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols):
    """Fill cols (n*out_h*out_w, kh*kw*cg) with the windows of channels c0:c0+cg of x.

    Row order (image, out_y, out_x) is y's NHWC order; column order (ky, kx, c) is
    kernel.reshape(kh*kw*cg, cout)'s. Taps that fall in the padding read 0.
    """
    n, height, width, channels = x.shape
    cg = cols.shape[1] // (kh * kw)
    xf, cf = x.reshape(-1), cols.reshape(-1)
    # Without dilation or groups, one window row (kw pixels x all channels) is one
    # contiguous run of x: copy it in one go.
    whole_rows = dw == 1 and cg == channels
    dst = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                ix0 = ox * sw - pl
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    if iy < 0 or iy >= height:
                        _zero_run(cf, dst, kw * cg)
                        dst += kw * cg
                        continue
                    src_row = (b * height + iy) * width
                    if whole_rows and ix0 >= 0 and ix0 + kw <= width:
                        _copy_run(cf, dst, xf, (src_row + ix0) * channels, kw * cg)
                        dst += kw * cg
                        continue
                    for kx in range(kw):
                        ix = ix0 + kx * dw
                        if 0 <= ix < width:
                            _copy_run(cf, dst, xf, (src_row + ix) * channels + c0, cg)
                        else:
                            _zero_run(cf, dst, cg)
                        dst += cg


@njit(cache=True, nogil=True)
def _col2im(dcols, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, dx):
    """The adjoint of _im2col: add every entry of dcols onto the input cell it was read from."""
    n, height, width, channels = dx.shape
    cg = dcols.shape[1] // (kh * kw)
    df, cf = dx.reshape(-1), dcols.reshape(-1)
    whole_rows = dw == 1 and cg == channels
    src = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                ix0 = ox * sw - pl
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    if iy < 0 or iy >= height:
                        src += kw * cg
                        continue
                    dst_row = (b * height + iy) * width
                    if whole_rows and ix0 >= 0 and ix0 + kw <= width:
                        _add_run(df, (dst_row + ix0) * channels, cf, src, kw * cg)
                        src += kw * cg
                        continue
                    for kx in range(kw):
                        ix = ix0 + kx * dw
                        if 0 <= ix < width:
                            _add_run(df, (dst_row + ix) * channels + c0, cf, src, cg)
                        src += cg


@njit(cache=True, nogil=True)
def _im2col_one_channel(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, cols_t):
    """_im2col for an input with one channel, stored transposed: cols_t (kh*kw, n*out_h*out_w).

    In the usual layout a one-channel window row is kw values, and the copy loop spends
    its time starting runs of 4 (2.4 ms per 17-image chunk of the seed CNN's first layer).
    Transposed, row (ky, kx) holds that tap's input for every output pixel, and each
    (tap, image, output row) is one run of out_w values (0.26 ms); BLAS reads cols_t.T
    with a transpose flag at the same speed.
    """
    n, height, width, _ = x.shape
    xf = x.reshape(-1)
    for ky in range(kh):
        for kx in range(kw):
            row = cols_t[ky * kw + kx]
            off = kx * dw - pl
            # the output columns whose input column ox * sw + off is inside the image
            ox_lo = 0
            while ox_lo < out_w and ox_lo * sw + off < 0:
                ox_lo += 1
            ox_hi = out_w
            while ox_hi > ox_lo and (ox_hi - 1) * sw + off >= width:
                ox_hi -= 1
            for b in range(n):
                for oy in range(out_h):
                    iy = oy * sh - pt + ky * dh
                    d0 = (b * out_h + oy) * out_w
                    if iy < 0 or iy >= height:
                        _zero_run(row, d0, out_w)
                        continue
                    _zero_run(row, d0, ox_lo)
                    _zero_run(row, d0 + ox_hi, out_w - ox_hi)
                    s0 = (b * height + iy) * width + ox_lo * sw + off
                    if sw == 1:
                        _copy_run(row, d0 + ox_lo, xf, s0, ox_hi - ox_lo)
                    else:
                        for ox in range(ox_hi - ox_lo):
                            row[d0 + ox_lo + ox] = xf[s0 + ox * sw]


@njit(cache=True)
def _depthwise_forward_kernel(x, dk, sh, sw, pt, pl, dh, dw, y):
    # Output channel c*mult + m is input channel c filtered by dk[:, :, c, m]; viewing
    # y as (..., channels, mult) keeps the innermost loops contiguous.
    n, height, width, channels = x.shape
    kh, kw, _, mult = dk.shape
    _, out_h, out_w, _ = y.shape
    y5 = y.reshape(n, out_h, out_w, channels, mult)
    y5[...] = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    if iy < 0 or iy >= height:
                        continue
                    for kx in range(kw):
                        ix = ox * sw - pl + kx * dw
                        if ix < 0 or ix >= width:
                            continue
                        for c in range(channels):
                            xv = x[b, iy, ix, c]
                            for m in range(mult):
                                y5[b, oy, ox, c, m] += xv * dk[ky, kx, c, m]


@njit(cache=True)
def _depthwise_backward_kernel(x, dk, dy, sh, sw, pt, pl, dh, dw, need_dx, dx, ddk):
    # One pass over (output pixel, tap) gives both gradients: the tap pairs one x cell
    # with one dy cell, and each gradient is the product with the other factor.
    n, height, width, channels = x.shape
    kh, kw, _, mult = dk.shape
    _, out_h, out_w, _ = dy.shape
    dy5 = dy.reshape(n, out_h, out_w, channels, mult)
    ddk[...] = 0
    dx[...] = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    if iy < 0 or iy >= height:
                        continue
                    for kx in range(kw):
                        ix = ox * sw - pl + kx * dw
                        if ix < 0 or ix >= width:
                            continue
                        for c in range(channels):
                            xv = x[b, iy, ix, c]
                            acc = type(xv)(0)
                            for m in range(mult):
                                g = dy5[b, oy, ox, c, m]
                                ddk[ky, kx, c, m] += xv * g
                                acc += g * dk[ky, kx, c, m]
                            if need_dx:
                                dx[b, iy, ix, c] += acc


# --------------------------------------------------------------------------- GEMM drivers

def _group_matrices(kernel, groups):
    """kernel (kh, kw, cg, cout) -> one C-contiguous (kh*kw*cg, cout/groups) matrix per group."""
    kh, kw, cg, cout = kernel.shape
    cog = cout // groups
    return [np.ascontiguousarray(kernel[..., g * cog:(g + 1) * cog]).reshape(kh * kw * cg, cog)
            for g in range(groups)]


def _chunk_cols(x, kh, kw, strides, pads, dilation, c0, cg, out_hw, buffer):
    """The im2col matrix (x's output pixels, kh*kw*cg) of one chunk of images, in ``buffer``
    (flat). For a one-channel input it is the transposed view of _im2col_one_channel's."""
    (sh, sw), (dh, dw), (oh, ow) = strides, dilation, out_hw
    rows, depth = x.shape[0] * oh * ow, kh * kw * cg
    if x.shape[3] == 1:
        cols_t = buffer[:rows * depth].reshape(depth, rows)
        _im2col_one_channel(x, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, oh, ow, cols_t)
        return cols_t.T
    cols = buffer[:rows * depth].reshape(rows, depth)
    _im2col(x, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, c0, oh, ow, cols)
    return cols


def _images_per_chunk(batch, pixels, depth, itemsize):
    return int(max(1, min(batch, _CHUNK_BYTES // max(1, pixels * depth * itemsize))))


def _is_pointwise(kernel_hw, pads):
    return kernel_hw == (1, 1) and pads == ((0, 0), (0, 0))


def _forward_gemm(x, kernel, out_hw, strides, pads, dilation, groups, bias=None, code=LINEAR, y=None):
    """y = conv(x) for explicit pads; (bias, activation) fused per chunk while y is in cache.

    ``y``, if given, is the C-contiguous output to fill (a batch slice of a larger one)."""
    n, _, _, cin = x.shape
    kh, kw, cg, cout = kernel.shape
    (oh, ow), (sh, sw) = out_hw, strides
    cog = cout // groups
    wmats = _group_matrices(kernel, groups)
    if y is None:
        y = buffers.empty((n, oh, ow, cout), x.dtype)
    y2d = y.reshape(-1, cout)
    if _is_pointwise((kh, kw), pads):
        xs = np.ascontiguousarray(x[:, ::sh, ::sw][:, :oh, :ow]).reshape(-1, cin)
        for g in range(groups):
            if groups == 1:
                np.matmul(xs, wmats[0], out=y2d)
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
                np.matmul(cols, wmats[0], out=out)
            else:
                out[:, g * cog:(g + 1) * cog] = cols @ wmats[g]
        bias_activation_inplace(out, bias, code)
    return y


def _backward_gemm(x, x_shape, kernel, dy, strides, pads, dilation, groups, need_dx, need_dkernel, dx=None):
    """(dx, dkernel) of conv(x) for explicit pads. x may be None when only dx is needed.

    ``dx``, if given, is a zero-filled C-contiguous array to add the input gradient to."""
    n, _, _, cin = x_shape
    kh, kw, cg, cout = kernel.shape
    _, oh, ow, _ = dy.shape
    (sh, sw), (dh, dw) = strides, dilation
    cog = cout // groups
    dy2d = dy.reshape(-1, cout)
    if need_dx and dx is None:
        dx = buffers.zeros(x_shape, dy.dtype)
    dmats = [None] * groups
    wmats = _group_matrices(kernel, groups) if need_dx else None
    if _is_pointwise((kh, kw), pads):
        if need_dkernel:
            xs = np.ascontiguousarray(x[:, ::sh, ::sw][:, :oh, :ow]).reshape(-1, cin)
        for g in range(groups):
            dyg = dy2d[:, g * cog:(g + 1) * cog]
            if need_dkernel:
                dmats[g] = xs[:, g * cg:(g + 1) * cg].T @ dyg
            if need_dx:
                dx[:, ::sh, ::sw, g * cg:(g + 1) * cg][:, :oh, :ow] = (dyg @ wmats[g].T).reshape(n, oh, ow, cg)
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
                    dcols = np.matmul(dyg, wmats[g].T, out=dcols_buffer[:(b1 - b0) * pixels])
                    _col2im(dcols, kh, kw, sh, sw, pads[0][0], pads[1][0], dh, dw, g * cg, oh, ow, dx[b0:b1])
    dkernel = None
    if need_dkernel:
        dkernel = np.concatenate([m.reshape(kh, kw, cg, cog) for m in dmats], axis=3) if groups > 1 \
            else dmats[0].reshape(kh, kw, cg, cout)
    return dx, dkernel


def _check_conv_args(x, kernel, groups, what):
    if x.ndim != 4 or kernel.ndim != 4:
        raise ValueError(f"{what}: expected x (batch, h, w, c) and a 4-D kernel, got {x.shape} and {kernel.shape}")
    cin, (cg, cout) = x.shape[3], kernel.shape[2:]
    if groups < 1 or cin % groups or cout % groups or cg * groups != cin:
        raise ValueError(f"{what}: kernel {kernel.shape} with groups={groups} does not fit "
                         f"{cin} input channels (need kernel[2] * groups == channels, channels and filters "
                         f"divisible by groups)")


def _out_hw(what, hw, kernel_hw, strides, pads, dilation):
    out = tuple(conv_output_length(n, k, s, d, p) for n, k, s, d, p in zip(hw, kernel_hw, strides, dilation, pads))
    if min(out) < 1:
        raise ValueError(f"{what}: input {hw[0]}x{hw[1]} is too small for kernel {kernel_hw[0]}x{kernel_hw[1]} "
                         f"(dilation {dilation}, padding {pads}): the output would be empty")
    return out


# --------------------------------------------------------------------------- batch split over threads
# The images of a batch are independent, so a convolution splits into one part per
# CPU (threads.py): each part runs _forward_gemm / _backward_gemm on its images, and
# the parts' kernel gradients are summed. Measured on the 2-vCPU machine, forward +
# backward, 1 vs 2 parts, machine otherwise idle: toy-ResNet conv 64x30x30x32 -> 64:
# 96 vs 50 ms; 64x9x9x64 -> 64: 15.8 vs 9.2 ms; seed-CNN conv2 22.8 vs 14.6 ms (with
# OpenBLAS's 2 threads instead: 45, 16.6 and 58 ms). With both CPUs busy with other
# work the split cost 5-15%.

def _conv_flops(n, out_hw, kernel):
    kh, kw, cg, cout = kernel.shape
    return 2 * n * out_hw[0] * out_hw[1] * kh * kw * cg * cout


# --------------------------------------------------------------------------- public API

def conv2d_forward(x, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, bias=None, code=LINEAR):
    """y = act(conv2d(x, kernel) + bias) in NHWC.

    padding: ((top, bottom), (left, right)) or a Keras mode string. bias and code are
    optional; when given they are applied chunk by chunk while y is still in cache.
    """
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    _check_conv_args(x, kernel, groups, "conv2d")
    strides, dilation = _pair(strides), _pair(dilation)
    pads = _resolve_padding(padding, x.shape[1:3], kernel.shape[:2], strides, dilation)
    out_hw = _out_hw("conv2d", x.shape[1:3], kernel.shape[:2], strides, pads, dilation)
    parts = batch_parts(x.shape[0], _conv_flops(x.shape[0], out_hw, kernel))
    if len(parts) == 1:
        return _forward_gemm(x, kernel, out_hw, strides, pads, dilation, groups, bias, code)
    y = buffers.empty((x.shape[0],) + out_hw + (kernel.shape[3],), x.dtype)
    run_parts(lambda b0, b1: _forward_gemm(x[b0:b1], kernel, out_hw, strides, pads, dilation, groups, bias,
                                            code, y[b0:b1]), parts)
    return y


def conv2d_backward(x, kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, need_dx=True):
    """(dx or None, dkernel) of conv2d_forward without bias/activation.

    With a fused bias and activation, first turn dy into dz (and get dbias) with
    ``activations.bias_activation_backward(y, dy, code, True)``. need_dx=False skips
    the input gradient (first layer of a network).
    """
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    _check_conv_args(x, kernel, groups, "conv2d")
    strides, dilation = _pair(strides), _pair(dilation)
    pads = _resolve_padding(padding, x.shape[1:3], kernel.shape[:2], strides, dilation)
    parts = batch_parts(x.shape[0], _conv_flops(x.shape[0], dy.shape[1:3], kernel))
    if len(parts) == 1:
        return _backward_gemm(x, x.shape, kernel, dy, strides, pads, dilation, groups, need_dx, True)
    dx = buffers.zeros(x.shape, dy.dtype) if need_dx else None
    results = run_parts(lambda b0, b1: _backward_gemm(
        x[b0:b1], (b1 - b0,) + x.shape[1:], kernel, dy[b0:b1], strides, pads, dilation, groups, need_dx, True,
        dx[b0:b1] if need_dx else None), parts)
    dkernel = results[0][1]
    for _, part in results[1:]:
        dkernel += part
    return dx, dkernel


def depthwise_conv2d_forward(x, depthwise_kernel, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """Depthwise conv: kernel (kh, kw, cin, mult); output channel c*mult + m (Keras order)."""
    x = np.ascontiguousarray(x)
    dk = np.ascontiguousarray(depthwise_kernel, dtype=x.dtype)
    if dk.ndim != 4 or x.ndim != 4 or dk.shape[2] != x.shape[3]:
        raise ValueError(f"depthwise_conv2d: kernel {dk.shape} does not match input {x.shape}")
    strides, dilation = _pair(strides), _pair(dilation)
    pads = _resolve_padding(padding, x.shape[1:3], dk.shape[:2], strides, dilation)
    oh, ow = _out_hw("depthwise_conv2d", x.shape[1:3], dk.shape[:2], strides, pads, dilation)
    y = np.empty((x.shape[0], oh, ow, dk.shape[2] * dk.shape[3]), x.dtype)
    _depthwise_forward_kernel(x, dk, strides[0], strides[1], pads[0][0], pads[1][0], dilation[0], dilation[1], y)
    return y


def depthwise_conv2d_backward(x, depthwise_kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1),
                              need_dx=True):
    """(dx or None, ddepthwise_kernel) of depthwise_conv2d_forward."""
    x = np.ascontiguousarray(x)
    dk = np.ascontiguousarray(depthwise_kernel, dtype=x.dtype)
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    strides, dilation = _pair(strides), _pair(dilation)
    pads = _resolve_padding(padding, x.shape[1:3], dk.shape[:2], strides, dilation)
    dx = np.empty_like(x) if need_dx else np.empty((0, 0, 0, 0), x.dtype)
    ddk = np.empty_like(dk)
    _depthwise_backward_kernel(x, dk, dy, strides[0], strides[1], pads[0][0], pads[1][0], dilation[0], dilation[1],
                               need_dx, dx, ddk)
    return (dx if need_dx else None), ddk


def _transpose_geometry(x_hw, kernel_hw, strides, mode, output_padding, dilation):
    """Output size and the (before) padding of the equivalent forward convolution.

    Like TensorFlow's conv2d_transpose, the padding is the one a forward convolution
    of the *output* size would use, so that convolution maps y back onto x's size.
    """
    output_padding = (None, None) if output_padding is None else _pair(output_padding)
    out_hw = tuple(conv_transpose_output_length(n, k, s, d, mode, op)
                   for n, k, s, d, op in zip(x_hw, kernel_hw, strides, dilation, output_padding))
    pads = tuple(conv_padding(n, k, s, d, mode) for n, k, s, d in zip(out_hw, kernel_hw, strides, dilation))
    return out_hw, pads


def conv2d_transpose_forward(x, kernel, strides=(1, 1), padding="valid", output_padding=None, dilation=(1, 1)):
    """Keras Conv2DTranspose: x (b, h, w, cin), kernel (kh, kw, cout, cin) -> y (b, H, W, cout)."""
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    if x.ndim != 4 or kernel.ndim != 4 or kernel.shape[3] != x.shape[3]:
        raise ValueError(f"conv2d_transpose: kernel {kernel.shape} (kh, kw, filters, in) does not match "
                         f"input {x.shape}")
    strides, dilation = _pair(strides), _pair(dilation)
    out_hw, pads = _transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding, output_padding, dilation)
    y_shape = (x.shape[0],) + out_hw + (kernel.shape[2],)
    return _backward_gemm(None, y_shape, kernel, x, strides, pads, dilation, 1, True, False)[0]


def conv2d_transpose_backward(x, kernel, dy, strides=(1, 1), padding="valid", output_padding=None,
                              dilation=(1, 1), need_dx=True):
    """(dx or None, dkernel) of conv2d_transpose_forward."""
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    strides, dilation = _pair(strides), _pair(dilation)
    _, pads = _transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding, output_padding, dilation)
    # y = conv^T(x), so dx = conv(dy) and dkernel pairs the windows of dy with x.
    dx = _forward_gemm(dy, kernel, x.shape[1:3], strides, pads, dilation, 1) if need_dx else None
    dkernel = _backward_gemm(dy, dy.shape, kernel, x, strides, pads, dilation, 1, False, True)[1]
    return dx, dkernel


# --------------------------------------------------------------------------- references
# Straightforward numpy: loop over the kh*kw kernel taps; for one tap, the input
# pixels it touches form a strided slice of the padded input, and the tap is a
# matrix product of that slice with kernel[ky, kx].

def _tap_slices(ky, kx, out_hw, strides, dilation):
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilation
    return (slice(None), slice(ky * dh, ky * dh + (oh - 1) * sh + 1, sh),
            slice(kx * dw, kx * dw + (ow - 1) * sw + 1, sw))


def _ref_geometry(x_shape, kernel, strides, padding, dilation):
    strides, dilation = _pair(strides), _pair(dilation)
    pads = _resolve_padding(padding, x_shape[1:3], kernel.shape[:2], strides, dilation)
    out_hw = tuple(conv_output_length(n, k, s, d, p)
                   for n, k, s, d, p in zip(x_shape[1:3], kernel.shape[:2], strides, dilation, pads))
    return strides, dilation, pads, out_hw


def conv2d_forward_reference(x, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1):
    strides, dilation, pads, out_hw = _ref_geometry(x.shape, kernel, strides, padding, dilation)
    kh, kw, cg, cout = kernel.shape
    cog = cout // groups
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    y = np.zeros((x.shape[0],) + out_hw + (cout,), x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            window = xp[_tap_slices(ky, kx, out_hw, strides, dilation)]
            for g in range(groups):
                ci, co = slice(g * cg, (g + 1) * cg), slice(g * cog, (g + 1) * cog)
                y[..., co] += window[..., ci] @ kernel[ky, kx, :, co]
    return y


def conv2d_backward_reference(x, kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1):
    strides, dilation, pads, out_hw = _ref_geometry(x.shape, kernel, strides, padding, dilation)
    kh, kw, cg, cout = kernel.shape
    cog = cout // groups
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    dxp = np.zeros_like(xp)
    dkernel = np.zeros_like(kernel)
    for ky in range(kh):
        for kx in range(kw):
            tap = _tap_slices(ky, kx, out_hw, strides, dilation)
            for g in range(groups):
                ci, co = slice(g * cg, (g + 1) * cg), slice(g * cog, (g + 1) * cog)
                dkernel[ky, kx, :, co] = np.einsum("nhwc,nhwo->co", xp[tap][..., ci], dy[..., co])
                dxp[tap + (ci,)] += dy[..., co] @ kernel[ky, kx, :, co].T
    height, width = x.shape[1:3]
    return dxp[:, pads[0][0]:pads[0][0] + height, pads[1][0]:pads[1][0] + width], dkernel


def depthwise_conv2d_forward_reference(x, depthwise_kernel, strides=(1, 1), padding="valid", dilation=(1, 1)):
    kh, kw, cin, mult = depthwise_kernel.shape
    # A depthwise conv is a grouped conv with one group per input channel.
    return conv2d_forward_reference(x, depthwise_kernel.reshape(kh, kw, 1, cin * mult), strides, padding,
                                    dilation, groups=cin)


def depthwise_conv2d_backward_reference(x, depthwise_kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1)):
    kh, kw, cin, mult = depthwise_kernel.shape
    dx, dk = conv2d_backward_reference(x, depthwise_kernel.reshape(kh, kw, 1, cin * mult), dy, strides, padding,
                                       dilation, groups=cin)
    return dx, dk.reshape(depthwise_kernel.shape)


def conv2d_transpose_forward_reference(x, kernel, strides=(1, 1), padding="valid", output_padding=None,
                                       dilation=(1, 1)):
    # Scatter view: input pixel (i, j) paints kernel tap (ky, kx) onto output pixel
    # (i*s + ky*d - pad, j*s + kx*d - pad); cells outside the output are dropped.
    strides, dilation = _pair(strides), _pair(dilation)
    (oh, ow), pads = _transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding, output_padding, dilation)
    kh, kw, cout, _ = kernel.shape
    n, h, w, _ = x.shape
    big = np.zeros((n, (h - 1) * strides[0] + (kh - 1) * dilation[0] + 1 + oh,
                    (w - 1) * strides[1] + (kw - 1) * dilation[1] + 1 + ow, cout), x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            big[_tap_slices(ky, kx, (h, w), strides, dilation)] += x @ kernel[ky, kx].T
    return big[:, pads[0][0]:pads[0][0] + oh, pads[1][0]:pads[1][0] + ow]


def conv2d_transpose_backward_reference(x, kernel, dy, strides=(1, 1), padding="valid", output_padding=None,
                                        dilation=(1, 1)):
    strides, dilation = _pair(strides), _pair(dilation)
    (oh, ow), pads = _transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding, output_padding, dilation)
    kh, kw, cout, _ = kernel.shape
    n, h, w, _ = x.shape
    big_hw = ((h - 1) * strides[0] + (kh - 1) * dilation[0] + 1 + oh,
              (w - 1) * strides[1] + (kw - 1) * dilation[1] + 1 + ow)
    dbig = np.zeros((n,) + big_hw + (cout,), x.dtype)
    dbig[:, pads[0][0]:pads[0][0] + oh, pads[1][0]:pads[1][0] + ow] = dy
    dx = np.zeros_like(x)
    dkernel = np.zeros_like(kernel)
    for ky in range(kh):
        for kx in range(kw):
            window = dbig[_tap_slices(ky, kx, (h, w), strides, dilation)]
            dx += window @ kernel[ky, kx]
            dkernel[ky, kx] = np.einsum("nhwo,nhwc->oc", window, x)
    return dx, dkernel
