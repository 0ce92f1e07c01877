"""Max and average pooling over 2-D windows, NHWC (reference backend; fast: ``kernels/pooling.py``).

Keras/TensorFlow semantics: ``strides`` defaults to the pool size; 'valid' keeps only
full windows; 'same' gives ceil(n / stride) outputs and pads (extra cell at the end)
with cells that take no part: max pooling ignores them, and average pooling divides
by the number of real cells in the window, not by ph * pw.

Max pooling also returns, for every output, the flat index (into x.ravel()) of the
cell that won (on ties the first cell in window order, row by row); backward adds dy
there. The padding is made of cells that cannot win (-inf) or count (0 in a 0/1 mask
of real cells), and a window is visited tap by tap: for one tap (ky, kx), the cells it
reads for every output form a strided slice of the padded input.
"""
import numpy as np

from ..conv_geometry import pool_geometry

__all__ = ["max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward"]


def _taps(padded, pool, strides, out_hw):
    """For each of the ph * pw window taps: the cells of ``padded`` it reads, one per output."""
    (ph, pw), (sh, sw), (oh, ow) = pool, strides, out_hw
    for ky in range(ph):
        for kx in range(pw):
            yield padded[:, ky:ky + (oh - 1) * sh + 1:sh, kx:kx + (ow - 1) * sw + 1:sw]


def _real_cells(x_shape, pads):
    """1 for the cells of the padded image that are real, 0 for padding; (1, H, W, 1)."""
    return np.pad(np.ones(x_shape[1:3]), pads)[None, :, :, None]


def max_pool2d_forward(x, pool, strides=None, padding="valid", with_argmax=True):
    """(y, argmax): y the window maxima, argmax (int64, y's shape) flat indices into x, or
    None when not ``with_argmax`` (inference)."""
    pool, strides, pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-np.inf)
    flat = np.pad(np.arange(x.size).reshape(x.shape), ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-1)
    y = np.full((x.shape[0],) + out_hw + (x.shape[3],), -np.inf, x.dtype)
    argmax = np.full(y.shape, -1, np.int64)
    for window, index in zip(_taps(xp, pool, strides, out_hw), _taps(flat, pool, strides, out_hw)):
        better = window > y  # strict: on ties the earlier cell keeps the win
        y = np.where(better, window, y)
        argmax = np.where(better, index, argmax)
    return y, (argmax if with_argmax else None)


def max_pool2d_backward(dy, argmax, x_shape):
    """dx: each dy value added to the input cell that was its window's maximum."""
    dx = np.zeros(int(np.prod(x_shape)), dy.dtype)
    np.add.at(dx, argmax.ravel(), dy.ravel())
    return dx.reshape(x_shape)


def avg_pool2d_forward(x, pool, strides=None, padding="valid"):
    """y: the mean of the real cells under each window."""
    pool, strides, pads, out_hw = pool_geometry(x.shape, pool, strides, padding)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    total = np.zeros((x.shape[0],) + out_hw + (x.shape[3],), x.dtype)
    for window in _taps(xp, pool, strides, out_hw):
        total += window
    count = sum(_taps(_real_cells(x.shape, pads), pool, strides, out_hw))
    return (total / count).astype(x.dtype)


def avg_pool2d_backward(dy, x_shape, pool, strides=None, padding="valid"):
    """dx: every real cell of a window gets an equal share of the window's dy."""
    pool, strides, pads, out_hw = pool_geometry(x_shape, pool, strides, padding)
    share = dy / sum(_taps(_real_cells(x_shape, pads), pool, strides, out_hw))
    dxp = np.zeros((x_shape[0], x_shape[1] + sum(pads[0]), x_shape[2] + sum(pads[1]), x_shape[3]), dy.dtype)
    for window in _taps(dxp, pool, strides, out_hw):
        window += share  # window is a view into dxp
    return dxp[:, pads[0][0]:pads[0][0] + x_shape[1], pads[1][0]:pads[1][0] + x_shape[2]]
