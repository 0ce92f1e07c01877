"""Reading and writing parts of arrays: ``slice``, ``slice_update``, ``scatter``,
``scatter_update``, ``select``, and the searches ``searchsorted``, ``digitize``, ``bincount``,
``nonzero``; order statistics ``median``, ``quantile``, ``percentile`` and ``ptp``.

Writes never change their input (tensors are values): each returns a new array, and the
gradient flows to the cells each value came from.
"""
import builtins

import numpy as np

from ..engine.tensor import KerasTensor
from . import core
from .core import apply
from .numpy import _as_float, sort
from .tensor import Tensor


def get_item(x, key):
    """``x[key]``."""
    return core.getitem(x, key)


def _ints(values, name, op):
    values = np.asarray(values.value if isinstance(values, Tensor) else values)
    if values.dtype.kind not in "iu":
        raise TypeError(f"ops.{op}: `{name}` must hold integers, received dtype {values.dtype}.")
    return values.astype(np.int64)


def slice(inputs, start_indices, shape):
    """The block of ``shape`` that starts at ``start_indices``."""
    start = _ints(start_indices, "start_indices", "slice")
    shape = tuple(int(d) for d in shape)
    if len(start) != len(shape) or len(start) != len(inputs.shape):
        raise ValueError(f"ops.slice: start_indices {tuple(start)} and shape {shape} need one entry per axis "
                         f"of the input of shape {tuple(inputs.shape)}.")
    index = tuple(builtins.slice(int(b), int(b) + n) for b, n in zip(start, shape))
    return core.getitem(inputs, index)


def _replace_at(x, u, index):
    """``x`` with the cells at ``index`` replaced by ``u``, and its backward: the replaced
    cells of ``x`` get no gradient, ``u`` gets the gradient of the cells it took."""
    y = x.copy()
    y[index] = u

    def backward(g):
        gx = g.copy()
        gx[index] = 0
        return gx, g[index]
    return y, backward


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block starting at ``start_indices`` replaced by ``updates``."""
    start = _ints(start_indices, "start_indices", "slice_update")

    def forward(x, u):
        if len(start) != x.ndim or u.ndim != x.ndim:
            raise ValueError(f"ops.slice_update: start_indices {tuple(start)} and updates of shape {u.shape} "
                             f"need one entry per axis of the input of shape {x.shape}.")
        index = tuple(builtins.slice(int(b), int(b) + n) for b, n in zip(start, u.shape))
        return _replace_at(x, u, index)
    return apply(forward, inputs, updates, shape_rule=lambda s, u: tuple(s))


def scatter(indices, values, shape):
    """A zero array of ``shape`` with ``values`` added at ``indices`` (rows of coordinates;
    repeated coordinates add up)."""
    idx = _ints(indices, "indices", "scatter")
    shape = tuple(int(d) for d in shape)

    def forward(v):
        out = np.zeros(shape, dtype=v.dtype)
        coords = tuple(idx[..., i] for i in range(idx.shape[-1]))
        np.add.at(out, coords, v)
        return out, lambda g: (g[coords],)
    return apply(forward, values, shape_rule=lambda s: shape)


def scatter_update(inputs, indices, updates):
    """``inputs`` with the cells (or slices) at ``indices`` replaced by ``updates``."""
    idx = _ints(indices, "indices", "scatter_update")

    def forward(x, u):
        coords = tuple(idx[..., i] for i in range(idx.shape[-1]))
        return _replace_at(x, u, coords)
    return apply(forward, inputs, updates, shape_rule=lambda s, u: tuple(s))


def select(condlist, choicelist, default=0):
    """For each cell, the value from the first choice whose condition holds, else ``default``."""
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(f"ops.select: condlist and choicelist must be non-empty and of equal length; "
                         f"received {len(condlist)} and {len(choicelist)}.")
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist)):
        out = core.where(cond, choice, out)
    return out


def _no_grad(fn, *args, dtype):
    def forward(*arrays):
        return np.asarray(fn(*arrays)).astype(dtype), lambda g: (None,) * len(arrays)
    return apply(forward, *args)


def searchsorted(sorted_sequence, values, side="left"):
    """Where each value would go in the 1-D ``sorted_sequence`` to keep it sorted (int32)."""
    if side not in ("left", "right"):
        raise ValueError(f"ops.searchsorted: `side` must be 'left' or 'right', received {side!r}.")
    if len(sorted_sequence.shape if hasattr(sorted_sequence, "shape") else np.shape(sorted_sequence)) != 1:
        raise ValueError("ops.searchsorted: `sorted_sequence` must be 1-D.")
    return _no_grad(lambda s, v: np.searchsorted(s, v, side=side), sorted_sequence, values, dtype="int32")


def digitize(x, bins):
    """The index (int32) of the bin of each value: bins[i-1] <= x < bins[i]."""
    return _no_grad(lambda x, b: np.digitize(x, b), x, bins, dtype="int32")


def bincount(x, weights=None, minlength=0, sparse=False):
    """How often each non-negative integer occurs in x (summing ``weights`` instead of 1s);
    a 2-D x counts each row."""
    if sparse:
        raise ValueError("ops.bincount: minikeras has only dense tensors; received sparse=True.")
    values = _ints(x, "x", "bincount")
    if values.size and values.min() < 0:
        raise ValueError("ops.bincount: x must be non-negative.")
    w = None if weights is None else np.asarray(weights.value if isinstance(weights, Tensor) else weights)
    n = builtins.max(int(minlength), int(values.max()) + 1 if values.size else 0)
    if values.ndim == 1:
        counts = np.bincount(values, w, minlength=n)
    else:
        counts = np.stack([np.bincount(r, None if w is None else w[i], minlength=n) for i, r in enumerate(values)])
    dtype = "int32" if w is None else (w.dtype if w.dtype.kind == "f" else "int32")
    return Tensor(counts.astype(dtype))


def nonzero(x):
    """The indices of the non-zero values: one int32 array per axis."""
    if isinstance(x, KerasTensor):
        raise ValueError("ops.nonzero: the number of non-zero values is only known with data; "
                         "call it eagerly, not while a model is defined.")
    value = np.asarray(x.value if isinstance(x, Tensor) else x)
    return tuple(Tensor(i.astype("int32")) for i in np.nonzero(value))


def ptp(x, axis=None, keepdims=False):
    """Range (max - min) of the values along ``axis``."""
    return core.subtract(core.max(x, axis=axis, keepdims=keepdims), core.min(x, axis=axis, keepdims=keepdims))


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1]) along ``axis``, by sorting and, for ``linear``,
    interpolating between neighbours; the gradient flows to the values picked."""
    if method not in _METHODS:
        raise ValueError(f"ops.quantile: `method` must be one of {_METHODS}, received {method!r}.")
    q_values = np.asarray(q.value if isinstance(q, Tensor) else q, dtype="float64")
    if np.any((q_values < 0) | (q_values > 1)):
        raise ValueError(f"ops.quantile: q must lie in [0, 1], received {q_values.tolist()}.")
    x = _as_float(x)
    rank = len(x.shape)
    if axis is None:
        data, ax = core.reshape(x, (-1,)), 0
    else:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % rank for a in axes)
        rest = [a for a in range(rank) if a not in axes]
        moved = core.transpose(x, rest + list(axes))
        reduced = [x.shape[a] for a in axes]
        if len(axes) == 1:
            data = moved
        elif None in reduced:
            raise ValueError(f"ops.quantile: the reduced axes {axes} of shape {tuple(x.shape)} must be known.")
        else:
            data = core.reshape(moved, tuple(x.shape[a] for a in rest) + (int(np.prod(reduced)),))
        ax = len(rest)
    n = data.shape[ax]
    ordered = sort(data, axis=ax)
    position = q_values * (n - 1)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, n - 1)
    frac = position - low
    if method == "lower":
        high, frac = low, frac * 0
    elif method == "higher":
        low, frac = np.ceil(position).astype(np.int64), frac * 0
    elif method == "nearest":
        low, frac = np.round(position).astype(np.int64), frac * 0
    elif method == "midpoint":
        frac = np.where(frac > 0, 0.5, 0.0)
    picks = []
    for lo, hi, fr in zip(np.atleast_1d(low), np.atleast_1d(high), np.atleast_1d(frac)):
        a = _at(ordered, int(lo), ax)
        b = _at(ordered, int(hi), ax)
        picks.append(core.add(a, core.multiply(core.subtract(b, a), float(fr))))
    out = picks[0] if q_values.ndim == 0 else core.stack(picks, axis=0)
    if keepdims:
        out = _keep_dims(out, x.shape, axis, q_values.ndim)
    return out


def _at(array, i, axis):
    index = [builtins.slice(None)] * len(array.shape)
    index[axis] = i
    return core.getitem(array, tuple(index))


def _keep_dims(out, shape, axis, q_ndim):
    rank = len(shape)
    axes = range(rank) if axis is None else [a % rank for a in ((axis,) if np.ndim(axis) == 0 else axis)]
    kept = [1 if a in axes else n for a, n in enumerate(shape)]
    lead = [out.shape[0]] if q_ndim else []
    return core.reshape(out, tuple(lead + kept))


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """``quantile`` with q in percent."""
    q_values = np.asarray(q.value if isinstance(q, Tensor) else q, dtype="float64")
    return quantile(x, q_values / 100.0, axis=axis, method=method, keepdims=keepdims)


def median(x, axis=None, keepdims=False):
    """The middle value (the mean of the two middle ones for an even count) along ``axis``."""
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    """The distinct values of ``x`` (flattened unless ``axis``), sorted; optionally the index
    of each one's first occurrence, the inverse indices (int32) that rebuild x and the counts.
    ``size`` pads (with ``fill_value``, default the
    smallest value) or truncates to a fixed length."""
    if isinstance(x, KerasTensor):
        raise ValueError("ops.unique: the number of distinct values is only known with data; call it "
                         "eagerly, not while a model is defined.")
    value = np.asarray(x.value if isinstance(x, Tensor) else x)
    values, first, inverse, counts = np.unique(value, return_index=True, return_inverse=True,
                                               return_counts=True, axis=axis)
    if size is not None:
        size = int(size)
        fill = values.min() if fill_value is None and values.size else (fill_value or 0)
        pad = max(size - len(values), 0)
        values = np.concatenate([values[:size], np.full((pad,) + values.shape[1:], fill, values.dtype)])
        counts = np.concatenate([counts[:size], np.zeros(pad, counts.dtype)])
        first = np.concatenate([first[:size], np.zeros(pad, first.dtype)])
    outputs = [Tensor(values)]
    if return_index:
        outputs.append(Tensor(first.astype("int32")))
    if return_inverse:
        outputs.append(Tensor(inverse.reshape(value.shape if axis is None else -1).astype("int32")))
    if return_counts:
        outputs.append(Tensor(counts.astype("int32")))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
