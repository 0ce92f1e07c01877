"""Whole-array checks (fast backend; reference: ``all_finite`` in ``reference/__init__.py``).

fit, evaluate and predict refuse data that holds NaN or inf (``engine/data_adapters``), so
every batch predicted and every dataset fitted is checked once. numpy's
``np.isfinite(a).all()`` makes a boolean array as large as the data and then reads it again;
``all_finite`` reads the data once and makes nothing: it sums ``v - v``, which is 0 for every
finite v and NaN for inf and NaN, so the sum is 0 exactly when every value is finite (no
overflow: every term is 0 or NaN).

The loop is compiled with ``fastmath={"reassoc"}`` and nothing more, so LLVM may add several
lanes at once; it may not fold ``v - v`` to 0, which needs the flags that assume no NaN and no
inf ("nnan", "ninf"). Measured (one thread, 2026-12-05): the MNIST MLP's batch, 64x784
float32, 5.4 -> 2.1 us; in the MNIST MLP's ``predict_on_batch`` (88 us) the check had cost
6-11 us.
"""
import numpy as np
from numba import njit

__all__ = ["all_finite"]

_LOOP_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, fastmath={"reassoc"})
def _sum_of_self_differences(flat):
    total = flat.dtype.type(0)
    for i in range(flat.shape[0]):
        total += flat[i] - flat[i]
    return total


def all_finite(a):
    """Whether no value of ``a`` is NaN or infinite."""
    if a.dtype in _LOOP_DTYPES and a.flags.c_contiguous:
        return a.size == 0 or _sum_of_self_differences(a.reshape(-1)) == 0
    return bool(np.isfinite(a).all())
