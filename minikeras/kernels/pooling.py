"""Max and average pooling over 2-D windows, NHWC (fast backend; reference:
``reference/pooling.py``, same names and signatures).

Keras/TensorFlow semantics: ``strides`` defaults to the pool size; 'valid' keeps
only full windows; 'same' gives ceil(n / stride) outputs and pads (extra cell at
the end) with cells that take no part: max pooling ignores them, and average
pooling divides by the number of real cells in the window, not by ph * pw.

Max pooling remembers, for every output, the flat index (into x.ravel()) of the
cell that won; backward adds dy there. On ties the first cell in window order
(row by row) wins. 1-D pooling is 2-D pooling of an (n, 1, length, c) view.
Inference needs no backward, so it asks for the maxima alone (``with_argmax=False``):
the indices are int64, twice the bytes of float32 maxima, and the comparison loop that
also keeps an index does not vectorize; the seed CNN's first pooling (16 images of
61x61x32 per thread) takes 0.38 instead of 0.54 ms without them.

The kernels walk each output pixel's window and, for every window cell, update a
run of C channel values: channels are contiguous in NHWC, so that inner loop is a
vectorized pass. As in im2col.py, inner loops use unsigned offsets into flat views
so numba does not add a negative-index test that blocks vectorization.
"""
import numpy as np
from numba import njit

from . import buffers
from .conv_geometry import pool_geometry
from .flat import flat
from .threads import ELEMENT_FLOPS, batch_parts, run_parts

__all__ = ["max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"]


# --------------------------------------------------------------------------- numba kernels

@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _max_pool_forward_kernel(x, ph, pw, sh, sw, pt, pl, b0, b1, y, argmax):
    """Images b0:b1 of the batch (threads take one range each; argmax indexes all of x).
    An empty argmax asks for the maxima alone.

    Each window is first clipped to the image (padding cells take no part); its first
    cell seeds the maxima, and every later cell, in window order, replaces those it
    exceeds. One comparison loop, and no per-cell test of the padding, keep the kernel
    small for numba to compile (0.55 s before). Without indices the comparison is a
    select, which LLVM vectorizes; one kernel for both keeps it one compilation (0.37 s,
    against 0.32 s for the kernel with indices alone and 0.25 s more for a second one).
    """
    n, height, width, channels = x.shape
    _, out_h, out_w, _ = y.shape
    xf, yf, af = flat(x), flat(y), flat(argmax)
    track = af.size > 0
    nc = np.uint64(channels)
    for b in range(b0, b1):
        for oy in range(out_h):
            y_lo = max(oy * sh - pt, 0)
            y_hi = min(oy * sh - pt + ph, height)
            for ox in range(out_w):
                x_lo = max(ox * sw - pl, 0)
                x_hi = min(ox * sw - pl + pw, width)
                if y_lo >= y_hi or x_lo >= x_hi:
                    continue  # no real cell (pool_geometry never makes such a window)
                o0 = np.uint64(((b * out_h + oy) * out_w + ox) * channels)
                i0 = np.uint64(((b * height + y_lo) * width + x_lo) * channels)
                for c in range(nc):
                    yf[o0 + c] = xf[i0 + c]
                if track:
                    for c in range(nc):
                        af[o0 + c] = i0 + c
                for iy in range(y_lo, y_hi):
                    for ix in range(x_lo + 1 if iy == y_lo else x_lo, x_hi):
                        i0 = np.uint64(((b * height + iy) * width + ix) * channels)
                        if track:
                            for c in range(nc):
                                v = xf[i0 + c]
                                if v > yf[o0 + c]:
                                    yf[o0 + c] = v
                                    af[o0 + c] = i0 + c
                        else:
                            for c in range(nc):
                                v = xf[i0 + c]
                                yf[o0 + c] = v if v > yf[o0 + c] else yf[o0 + c]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _scatter_add_kernel(values, index, out):
    vf, idx, of = flat(values), flat(index), flat(out)
    for k in range(vf.shape[0]):
        of[idx[k]] += vf[k]


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _avg_pool_kernel(x, ph, pw, sh, sw, pt, pl, y, backward):
    """forward: y = window means of x.  backward (x is dx, y is dy): dx += dy / count."""
    n, height, width, channels = x.shape
    _, out_h, out_w, _ = y.shape
    xf, yf = flat(x), flat(y)
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

def max_pool2d_forward(x, pool, strides=None, padding="valid", with_argmax=True):
    """(y, argmax): y the window maxima, argmax (int64, y's shape) flat indices into x, or
    None when not ``with_argmax`` (inference: no backward will need them)."""
    x = np.ascontiguousarray(x)
    (ph, pw), (sh, sw), pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    y = buffers.empty((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    argmax = buffers.empty(y.shape if with_argmax else (0, 0, 0, 0), np.int64)
    parts = batch_parts(x.shape[0], ELEMENT_FLOPS * x.size)  # a large batch: images split over threads
    run_parts(lambda b0, b1: _max_pool_forward_kernel(x, ph, pw, sh, sw, pads[0][0], pads[1][0], b0, b1, y, argmax),
              parts)
    return y, (argmax if with_argmax else None)


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
