"""Reductions that skip NaN (``nansum``, ``nanmean``, ...), for data with missing values.

Each replaces the NaNs by the reduction's neutral value (0 for a sum, 1 for a product, -inf
for a maximum) with ``where`` and reduces as usual: the composition is differentiable, and
no gradient reaches the NaN cells. A slice that is all NaN gives NaN (-1 for the arg-
reductions), as in Keras.
"""
import numpy as np

from . import core
from .indexing import _METHODS
from .numpy import _as_float, cumprod, cumsum, isnan, moveaxis, prod, sort, take_along_axis


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


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """``quantile`` of the values that are not NaN (NaN for an all-NaN slice), along one axis
    or all of them. NaNs sort last, so each slice's k-th value is read at a position that
    depends on its own count of numbers; the values read carry the gradient."""
    if method not in _METHODS:
        raise ValueError(f"ops.nanquantile: `method` must be one of {_METHODS}, received {method!r}.")
    q_values = np.asarray(q.value if hasattr(q, "value") else q, dtype="float64")
    if np.any((q_values < 0) | (q_values > 1)):
        raise ValueError(f"ops.nanquantile: q must lie in [0, 1], received {q_values.tolist()}.")
    if axis is not None and np.ndim(axis) != 0:
        raise ValueError(f"ops.nanquantile: minikeras reduces one axis or all; received axis={axis!r}.")
    x = _as_float(x)
    data = core.reshape(x, (-1,)) if axis is None else moveaxis(x, axis, -1)
    ordered = sort(data, axis=-1)                       # NaN last
    counts = core.stop_gradient(core.sum(core.cast(_not_nan(data), x.dtype), axis=-1, keepdims=True))
    picks = []
    for qq in np.atleast_1d(q_values):
        position = core.multiply(core.maximum(core.subtract(counts, 1.0), 0.0), float(qq))
        low, high = core.stop_gradient(_floor(position)), core.stop_gradient(_ceil(position))
        frac = core.stop_gradient(core.subtract(position, low))
        if method == "lower":
            high, frac = low, core.multiply(frac, 0.0)
        elif method == "higher":
            low, frac = high, core.multiply(frac, 0.0)
        elif method == "nearest":
            low = high = core.stop_gradient(_round_half_even(position))
            frac = core.multiply(frac, 0.0)
        elif method == "midpoint":
            frac = core.where(core.greater(frac, 0.0), 0.5, 0.0)
        a = take_along_axis(ordered, core.cast(low, "int32"), axis=-1)
        b = take_along_axis(ordered, core.cast(high, "int32"), axis=-1)
        value = core.add(a, core.multiply(core.subtract(b, a), frac))
        value = core.where(core.equal(counts, 0.0), np.nan, value)
        picks.append(core.squeeze(value, axis=-1))
    out = picks[0] if q_values.ndim == 0 else core.stack(picks, axis=0)
    if keepdims:
        shape = [1] * len(x.shape) if axis is None else list(x.shape)
        if axis is not None:
            shape[axis % len(x.shape)] = 1
        lead = [len(picks)] if q_values.ndim else []
        out = core.reshape(out, tuple(lead + [-1 if d is None else d for d in shape]))
    return out


def _floor(t):
    return core.apply(lambda v: (np.floor(v), lambda g: (None,)), t)


def _ceil(t):
    return core.apply(lambda v: (np.ceil(v), lambda g: (None,)), t)


def _round_half_even(t):
    return core.apply(lambda v: (np.round(v), lambda g: (None,)), t)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """``nanquantile`` with q in percent."""
    q_values = np.asarray(q.value if hasattr(q, "value") else q, dtype="float64")
    return nanquantile(x, q_values / 100.0, axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """The median of the values that are not NaN."""
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)
