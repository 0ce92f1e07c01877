"""Dense (fully connected) layer: y = act(x @ kernel + bias) (fast backend; reference:
``reference/dense.py``, same names and signatures).

The matrix product is the whole cost, so it goes to numpy's BLAS; the bias and the
activation are applied afterwards in one fused numba pass over y (see
``activations.py``), instead of one numpy pass each. Backward mirrors it: one fused
pass turns dy into dz = dy * act'(y) and sums the bias gradient at the same time,
then two GEMMs give dx and dkernel.

Activation codes come from ``activation_codes.py``; an activation without a
code (softmax...) is the layer's business: call these with LINEAR and apply it after.
"""
import numpy as np

from . import buffers
from .activations import bias_activation_backward, bias_activation_inplace
from .threads import batch_parts, run_parts, split

__all__ = ["dense_forward", "dense_backward"]


def dense_forward(x2d, kernel, bias, code):
    """y = act(x2d @ kernel + bias); x2d (batch, in), kernel (in, units), bias (units,) or None."""
    x2d = np.ascontiguousarray(x2d)
    kernel = np.ascontiguousarray(kernel, dtype=x2d.dtype)
    rows, k = x2d.shape
    parts = batch_parts(rows, 2 * rows * k * kernel.shape[1])
    if len(parts) > 1:  # a large layer: rows split over threads (threads.py)
        y = buffers.empty((rows, kernel.shape[1]), x2d.dtype)

        def part(r0, r1):
            np.matmul(x2d[r0:r1], kernel, out=y[r0:r1])
            bias_activation_inplace(y[r0:r1], bias, code)
        run_parts(part, parts)
        return y
    # numpy's matmul runs an inner dimension of 1 through a slow loop of its own (an
    # LSTM's input projection, 3200x1 @ 1x40: 145 us, 31 us with np.dot, which calls BLAS).
    y = np.dot(x2d, kernel) if k == 1 else x2d @ kernel
    return bias_activation_inplace(y, bias, code)


def dense_backward(x2d, kernel, y, dy, code, has_bias, need_dx=True):
    """Gradients of dense_forward from its input x2d, its output y and dL/dy.

    Returns (dx or None if not need_dx, dkernel, dbias or None).
    """
    x2d = np.ascontiguousarray(x2d)
    kernel = np.ascontiguousarray(kernel, dtype=x2d.dtype)
    dz, dbias = bias_activation_backward(y, np.ascontiguousarray(dy, dtype=x2d.dtype), code, has_bias)
    rows, k = x2d.shape
    parts = batch_parts(min(rows, k), 2 * rows * k * kernel.shape[1])
    if len(parts) > 1:  # a large layer: each thread makes some rows of dkernel and of dx
        dkernel = buffers.empty(kernel.shape, x2d.dtype)
        dx = buffers.empty(x2d.shape, x2d.dtype) if need_dx else None
        row_parts, k_parts = split(rows, len(parts)), split(k, len(parts))

        def part(k_range, row_range):
            np.matmul(x2d[:, k_range[0]:k_range[1]].T, dz, out=dkernel[k_range[0]:k_range[1]])
            if need_dx:
                np.matmul(dz[row_range[0]:row_range[1]], kernel.T, out=dx[row_range[0]:row_range[1]])
        run_parts(part, list(zip(k_parts, row_parts)))
        return dx, dkernel, dbias
    dkernel = x2d.T @ dz  # the transposed view costs nothing: BLAS takes a transpose flag
    dx = dz @ kernel.T if need_dx else None
    return dx, dkernel, dbias
