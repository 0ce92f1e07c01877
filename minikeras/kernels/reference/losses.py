"""Mean squared error over the last axis (reference backend; fast: ``kernels/losses.py``).

y_true and y_pred arrive as (rows, n) arrays of one dtype: every axis but the last is a row.
"""
import numpy as np

__all__ = ["mean_squared_error_forward", "mean_squared_error_backward"]


def mean_squared_error_forward(y_true, y_pred):
    """(values, diff): values[r] = mean over c of diff[r, c]**2, with diff = y_pred - y_true."""
    diff = y_pred - y_true
    return (diff * diff).mean(axis=1), diff


def mean_squared_error_backward(diff, g):
    """(dL/dy_true, dL/dy_pred) given dL/dvalues ``g``: a scalar, or one value per row.

    d values[r] / d y_pred[r, c] = 2 diff[r, c] / n, and y_true's gradient is its negative."""
    g_rows = np.broadcast_to(np.asarray(g, dtype=diff.dtype), diff.shape[:1])
    g_pred = diff * (g_rows[:, None] * (diff.dtype.type(2) / diff.dtype.type(diff.shape[1])))
    return -g_pred, g_pred
