"""Mean squared error over the last axis, in one pass (fast backend; reference:
``reference/losses.py``, same names and signatures).

Why a kernel: on a large output the loss cost more than the layer that made it. A single
Conv2D(32, 3, 'same') training step on 8 images of 32x32x16 took 3.2 ms, 1.3 ms of it the
numpy loss (y_pred - y_true, its square, a sum over a short last axis, and three new 1 MB
arrays for the gradients, each paid again in page faults on every step). Here one loop
makes the differences and the row means, accumulating in float64; backward writes both
gradients in one loop, into reused memory (``buffers.py``). Forward and backward, float32,
numpy vs this kernel: 8x32x32x32 outputs 1352 vs 234 us; 32x64x64 783 vs 119 us; 65,536
values 77-403 vs 67 us (numpy's sum is slowest over a short last axis); 32,768 values 23-31 vs
37-42 us; 640 values 6 vs 10 us. So the losses (``losses/kernels.py``) call it from 65,536
values on: below that numpy's temporaries stay in memory the allocator keeps, and the two
kernel calls cost more than they save (and a model with small outputs compiles nothing more).

The row sums may be added in any order (``fastmath={"reassoc"}``, for that loop only): LLVM
then adds several float64 lanes at once instead of one long chain of dependent additions.
One thread, float32: 512x256 values 102 -> 19 us, 65536x32 (a 32-channel conv output)
1389 -> 568 us; the row means came out the same float32 values. (Splitting the rows of a
large output over the kernel threads was not kept: these passes wait on memory, and two
threads took 0.6-1.4x the time of one, 0.5 to 4 million values, slower in most runs.)
"""
import numpy as np
from numba import njit

from . import buffers

__all__ = ["mean_squared_error_forward", "mean_squared_error_backward"]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, error_model="numpy", fastmath={"reassoc"})
def _squared_error_rows(y_true, y_pred, diff, values):
    rows, n = y_pred.shape
    for r in range(rows):
        total = 0.0  # float64: a long row of float32 squares keeps its precision
        for c in range(n):
            e = y_pred[r, c] - y_true[r, c]
            diff[r, c] = e
            total += e * e
        values[r] = total / n


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, error_model="numpy")
def _scaled_rows(diff, g_rows, scale, g_true, g_pred):
    rows, n = diff.shape
    for r in range(rows):
        s = g_rows[r] * scale
        for c in range(n):
            v = diff[r, c] * s
            g_pred[r, c] = v
            g_true[r, c] = -v


def mean_squared_error_forward(y_true, y_pred):
    """(values, diff): values[r] = mean over c of diff[r, c]**2, with diff = y_pred - y_true."""
    y_pred = np.ascontiguousarray(y_pred)
    y_true = np.ascontiguousarray(y_true, dtype=y_pred.dtype)
    diff = buffers.empty(y_pred.shape, y_pred.dtype)
    values = np.empty(y_pred.shape[0], y_pred.dtype)
    _squared_error_rows(y_true, y_pred, diff, values)
    return values, diff


def mean_squared_error_backward(diff, g):
    """(dL/dy_true, dL/dy_pred) given dL/dvalues ``g``: a scalar, or one value per row."""
    g_rows = np.ascontiguousarray(np.broadcast_to(np.asarray(g, dtype=diff.dtype), diff.shape[:1]))
    g_true, g_pred = buffers.empty(diff.shape, diff.dtype), buffers.empty(diff.shape, diff.dtype)
    _scaled_rows(diff, g_rows, diff.dtype.type(2) / diff.dtype.type(diff.shape[1]), g_true, g_pred)
    return g_true, g_pred
