"""Reductions that skip NaN (``nansum``, ``nanmean``, ...), for data with missing values.

Each replaces the NaNs by the reduction's neutral value (0 for a sum, 1 for a product, -inf
for a maximum) with ``where`` and reduces as usual: the composition is differentiable, and
no gradient reaches the NaN cells. A slice that is all NaN gives NaN (-1 for the arg-
reductions), as in Keras.
"""
import numpy as np

from . import core
from .numpy import _as_float, cumprod, cumsum, isnan, prod


def _replace_nan(x, value):
    return core.where(isnan(x), value, x)


def _all_nan(x, axis, keepdims):
    return core.all(isnan(x), axis=axis, keepdims=keepdims)


def _count(x, axis, keepdims):
    return core.sum(core.cast(_not_nan(x), x.dtype),
                    axis=axis, keepdims=keepdims)


def _not_nan(x):
    return core.equal(x, x)   # NaN is the one value not equal to itself


def nansum(x, axis=None, keepdims=False):
    """Sum along ``axis``, NaNs counted as 0."""
    x = _as_float(x)
    return core.sum(_replace_nan(x, 0.0), axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product along ``axis``, NaNs counted as 1."""
    x = _as_float(x)
    return prod(_replace_nan(x, 1.0), axis=axis, keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean of the values that are not NaN."""
    x = _as_float(x)
    return core.divide(nansum(x, axis, keepdims), _count(x, axis, keepdims))


def nanvar(x, axis=None, keepdims=False):
    """Variance of the values that are not NaN."""
    x = _as_float(x)
    deviation = core.subtract(x, core.stop_gradient(nanmean(x, axis, keepdims=True)))
    return core.divide(nansum(core.square(deviation), axis, keepdims), _count(x, axis, keepdims))


def nanstd(x, axis=None, keepdims=False):
    """Standard deviation of the values that are not NaN."""
    return core.sqrt(nanvar(x, axis, keepdims))


def _extreme(reduce, fill):
    def op(x, axis=None, keepdims=False):
        x = _as_float(x)
        out = reduce(_replace_nan(x, fill), axis=axis, keepdims=keepdims)
        return core.where(_all_nan(x, axis, keepdims), np.nan, out)
    return op


nanmax = _extreme(core.max, -np.inf)
nanmax.__name__, nanmax.__doc__ = "nanmax", "Largest value along ``axis``, ignoring NaNs."
nanmin = _extreme(core.min, np.inf)
nanmin.__name__, nanmin.__doc__ = "nanmin", "Smallest value along ``axis``, ignoring NaNs."


def _arg_extreme(reduce, fill):
    def op(x, axis=None, keepdims=False):
        x = _as_float(x)
        index = reduce(_replace_nan(x, fill), axis=axis, keepdims=keepdims)
        return core.where(_all_nan(x, axis, keepdims), -1, index)
    return op


nanargmax = _arg_extreme(core.argmax, -np.inf)
nanargmax.__name__, nanargmax.__doc__ = "nanargmax", "Index of the largest non-NaN value (-1 if all are NaN)."
nanargmin = _arg_extreme(core.argmin, np.inf)
nanargmin.__name__, nanargmin.__doc__ = "nanargmin", "Index of the smallest non-NaN value (-1 if all are NaN)."


def nancumsum(x, axis=None, dtype=None):
    """Running sum, NaNs counted as 0."""
    x = _as_float(x) if dtype is None else core.cast(x, dtype)
    return cumsum(_replace_nan(x, 0.0), axis=axis)


def nancumprod(x, axis=None, dtype=None):
    """Running product, NaNs counted as 1."""
    x = _as_float(x) if dtype is None else core.cast(x, dtype)
    return cumprod(_replace_nan(x, 1.0), axis=axis)
