"""Max and average pooling over 2-D windows, NHWC.

Keras/TensorFlow semantics: ``strides`` defaults to the pool size; 'valid' keeps
only full windows; 'same' gives ceil(n / stride) outputs and pads (extra cell at
the end) with cells that take no part: max pooling ignores them, and average
pooling divides by the number of real cells in the window, not by ph * pw.

Max pooling remembers, for every output, the flat index (into x.ravel()) of the
cell that won; backward adds dy there. On ties the first cell in window order
(row by row) wins. 1-D pooling is 2-D pooling of an (n, 1, length, c) view.

The kernels walk each output pixel's window and, for every window cell, update a
run of C channel values: channels are contiguous in NHWC, so that inner loop is a
vectorized pass. As in conv.py, inner loops use unsigned offsets into flat views
so numba does not add a negative-index test that blocks vectorization.
"""
import numpy as np
from numba import njit

from . import buffers
from .conv import conv_output_length, conv_padding
from .threads import ELEMENT_FLOPS, batch_parts, run_parts

__all__ = ["pool_geometry", "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward",
           "max_pool2d_forward_reference", "max_pool2d_backward_reference",
           "avg_pool2d_forward_reference", "avg_pool2d_backward_reference"]


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def pool_geometry(x_shape, pool, strides, padding):
    """((ph, pw), (sh, sw), ((top, bottom), (left, right)), (out_h, out_w)) for Keras arguments."""
    pool = _pair(pool)
    strides = pool if strides is None else _pair(strides)
    hw = x_shape[1:3]
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Unknown pooling padding {padding!r}: expected 'valid' or 'same'")
        pads = tuple(conv_padding(n, p, s, 1, padding) for n, p, s in zip(hw, pool, strides))
    else:
        pads = tuple(_pair(p) for p in padding)
    out_hw = tuple(conv_output_length(n, p, s, 1, pad) for n, p, s, pad in zip(hw, pool, strides, pads))
    if min(out_hw) < 1:
        raise ValueError(f"pooling: input {hw[0]}x{hw[1]} is smaller than the pool {pool[0]}x{pool[1]} "
                         f"(padding {padding!r}): the output would be empty")
    return pool, strides, pads, out_hw


# --------------------------------------------------------------------------- numba kernels

@njit(cache=True, nogil=True)
def _max_pool_forward_kernel(x, ph, pw, sh, sw, pt, pl, b0, b1, y, argmax):
    """Images b0:b1 of the batch (threads take one range each; argmax indexes all of x)."""
    n, height, width, channels = x.shape
    _, out_h, out_w, _ = y.shape
    xf, yf, af = x.reshape(-1), y.reshape(-1), argmax.reshape(-1)
    nc = np.uint64(channels)
    out = b0 * out_h * out_w * channels
    for b in range(b0, b1):
        for oy in range(out_h):
            for ox in range(out_w):
                o0 = np.uint64(out)
                first = True
                for ky in range(ph):
                    iy = oy * sh - pt + ky
                    if iy < 0 or iy >= height:
                        continue
                    for kx in range(pw):
                        ix = ox * sw - pl + kx
                        if ix < 0 or ix >= width:
                            continue
                        i0 = np.uint64(((b * height + iy) * width + ix) * channels)
                        if first:  # the first real cell seeds the running maximum
                            for c in range(nc):
                                yf[o0 + c] = xf[i0 + c]
                                af[o0 + c] = i0 + c
                            first = False
                        else:
                            for c in range(nc):
                                v = xf[i0 + c]
                                if v > yf[o0 + c]:
                                    yf[o0 + c] = v
                                    af[o0 + c] = i0 + c
                out += channels


@njit(cache=True, nogil=True)
def _scatter_add_kernel(values, index, out):
    vf, idx, of = values.reshape(-1), index.reshape(-1), out.reshape(-1)
    for k in range(vf.shape[0]):
        of[idx[k]] += vf[k]


@njit(cache=True, error_model="numpy")
def _avg_pool_kernel(x, ph, pw, sh, sw, pt, pl, y, backward):
    """forward: y = window means of x.  backward (x is dx, y is dy): dx += dy / count."""
    n, height, width, channels = x.shape
    _, out_h, out_w, _ = y.shape
    xf, yf = x.reshape(-1), y.reshape(-1)
    nc = np.uint64(channels)
    out = 0
    for b in range(n):
        for oy in range(out_h):
            # The window clipped to the image: only real cells are counted.
            y_lo, y_hi = max(oy * sh - pt, 0), min(oy * sh - pt + ph, height)
            for ox in range(out_w):
                x_lo, x_hi = max(ox * sw - pl, 0), min(ox * sw - pl + pw, width)
                o0 = np.uint64(out)
                inv = x.dtype.type(1) / x.dtype.type((y_hi - y_lo) * (x_hi - x_lo))
                if backward:
                    for iy in range(y_lo, y_hi):
                        for ix in range(x_lo, x_hi):
                            i0 = np.uint64(((b * height + iy) * width + ix) * channels)
                            for c in range(nc):
                                xf[i0 + c] += yf[o0 + c] * inv
                else:
                    for c in range(nc):
                        yf[o0 + c] = 0
                    for iy in range(y_lo, y_hi):
                        for ix in range(x_lo, x_hi):
                            i0 = np.uint64(((b * height + iy) * width + ix) * channels)
                            for c in range(nc):
                                yf[o0 + c] += xf[i0 + c]
                    for c in range(nc):
                        yf[o0 + c] *= inv
                out += channels


# --------------------------------------------------------------------------- public API

def max_pool2d_forward(x, pool, strides=None, padding="valid"):
    """(y, argmax): y the window maxima, argmax (int64, y's shape) flat indices into x."""
    x = np.ascontiguousarray(x)
    (ph, pw), (sh, sw), pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    y = buffers.empty((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    argmax = buffers.empty(y.shape, np.int64)
    parts = batch_parts(x.shape[0], ELEMENT_FLOPS * x.size)  # a large batch: images split over threads
    run_parts(lambda b0, b1: _max_pool_forward_kernel(x, ph, pw, sh, sw, pads[0][0], pads[1][0], b0, b1, y, argmax),
              parts)
    return y, argmax


def max_pool2d_backward(dy, argmax, x_shape):
    """dx: each dy value added to the input cell that was its window's maximum."""
    dy = np.ascontiguousarray(dy)
    argmax = np.ascontiguousarray(argmax, dtype=np.int64)
    dx = buffers.empty(x_shape, dy.dtype)

    def part(b0, b1):  # image b's maxima all lie in image b of dx: the parts write apart
        dx[b0:b1] = 0
        _scatter_add_kernel(dy[b0:b1], argmax[b0:b1], dx)
    run_parts(part, batch_parts(x_shape[0], ELEMENT_FLOPS * dx.size))
    return dx


def avg_pool2d_forward(x, pool, strides=None, padding="valid"):
    x = np.ascontiguousarray(x)
    (ph, pw), (sh, sw), pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    y = np.empty((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    _avg_pool_kernel(x, ph, pw, sh, sw, pads[0][0], pads[1][0], y, False)
    return y


def avg_pool2d_backward(dy, x_shape, pool, strides=None, padding="valid"):
    dy = np.ascontiguousarray(dy)
    (ph, pw), (sh, sw), pads, _ = pool_geometry(x_shape, pool, strides, padding)
    dx = np.zeros(x_shape, dy.dtype)
    _avg_pool_kernel(dx, ph, pw, sh, sw, pads[0][0], pads[1][0], dy, True)
    return dx


# --------------------------------------------------------------------------- references
# numpy: pad with cells that cannot win (-inf for max) or count (0 with a 0 count for
# the mean), then visit the ph * pw window taps, each a strided slice of the input.

def _windows(xp, pool, strides, out_hw):
    (ph, pw), (sh, sw), (oh, ow) = pool, strides, out_hw
    for ky in range(ph):
        for kx in range(pw):
            yield ky, kx, xp[:, ky:ky + (oh - 1) * sh + 1:sh, kx:kx + (ow - 1) * sw + 1:sw]


def max_pool2d_forward_reference(x, pool, strides=None, padding="valid"):
    pool, strides, pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    n, height, width, channels = x.shape
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-np.inf)
    # flat index into x of every padded cell (-1 for padding)
    flat = np.pad(np.arange(x.size).reshape(x.shape), ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-1)
    y = np.full((x.shape[0],) + out_hw + (x.shape[3],), -np.inf, x.dtype)
    argmax = np.full(y.shape, -1, np.int64)
    for (_, _, window), (_, _, idx) in zip(_windows(xp, pool, strides, out_hw), _windows(flat, pool, strides, out_hw)):
        better = window > y  # strict: on ties the earlier cell keeps the win
        y = np.where(better, window, y)
        argmax = np.where(better, idx, argmax)
    return y, argmax


def max_pool2d_backward_reference(dy, argmax, x_shape):
    dx = np.zeros(int(np.prod(x_shape)), dy.dtype)
    np.add.at(dx, argmax.ravel(), dy.ravel())
    return dx.reshape(x_shape)


def avg_pool2d_forward_reference(x, pool, strides=None, padding="valid"):
    pool, strides, pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    real = np.pad(np.ones(x.shape[1:3]), pads)[None, :, :, None]  # 1 for real cells, 0 for padding
    total = np.zeros((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    count = np.zeros((1,) + out_hw + (1,))
    taps = zip(_windows(xp, pool, strides, out_hw), _windows(real, pool, strides, out_hw))
    for (_, _, window), (_, _, cells) in taps:
        total += window
        count += cells
    return (total / count).astype(x.dtype)


def avg_pool2d_backward_reference(dy, x_shape, pool, strides=None, padding="valid"):
    pool, strides, pads, out_hw = pool_geometry(x_shape, pool, strides, padding)
    real = np.pad(np.ones(x_shape[1:3]), pads)[None, :, :, None]
    count = np.zeros((1,) + out_hw + (1,))
    for _, _, cells in _windows(real, pool, strides, out_hw):
        count += cells
    share = dy / count
    dxp = np.zeros((x_shape[0], x_shape[1] + sum(pads[0]), x_shape[2] + sum(pads[1]), x_shape[3]), dy.dtype)
    for _, _, window in _windows(dxp, pool, strides, out_hw):
        window += share  # window is a view into dxp
    return dxp[:, pads[0][0]:pads[0][0] + x_shape[1], pads[1][0]:pads[1][0] + x_shape[2]]
