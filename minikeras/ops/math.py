"""The ``keras.ops`` math operations that are not NumPy's: stable log-sum-exp, top-k selection,
the error function, segment reductions.

As everywhere in ``minikeras.ops``, each forward returns ``(value, backward)`` and runs through
``core.apply`` (eager, taped, or symbolic on KerasTensors).
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from . import core
from .core import _axes, _reduce_grad, apply
from .numpy import _float_unary, take_along_axis


def _special():
    """scipy.special, imported on first use: importing it takes 0.1-0.3 s (it pulls in SciPy's
    array-API layer and numpy.f2py), a third of ``import minikeras``, for four rare functions."""
    import scipy.special  # here, not at the top: see the docstring

    return scipy.special


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) along ``axis``, computed stably by first subtracting the maximum.

    The gradient is softmax(x) along the reduced axes."""
    def forward(x):
        if x.dtype.kind in "biu":
            x = x.astype(backend.floatx())
        axes = _axes(axis, x.ndim)
        top = np.max(x, axis=axes, keepdims=True)
        top = np.where(np.isfinite(top), top, 0)   # all -inf: log(0) = -inf, without NaN
        with np.errstate(divide="ignore"):   # a sum of zeros: log gives -inf, the right answer
            y = np.log(np.sum(np.exp(x - top), axis=axes, keepdims=True)) + top

        def backward(g):
            return (_reduce_grad(g, x.shape, axes, keepdims) * np.exp(x - y),)
        return (y if keepdims else np.squeeze(y, axis=axes)), backward
    return apply(forward, x)


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their indices (int32), largest first.

    Ties go to the smaller index, as in Keras. The gradient of the values returns to the
    positions they were taken from; the indices carry none.
    """
    if int(k) < 1:
        raise ValueError(f"ops.top_k: `k` must be at least 1, received k={k}.")
    k = int(k)
    if isinstance(x, KerasTensor):
        if x.shape[-1] is not None and x.shape[-1] < k:
            raise ValueError(f"ops.top_k: k={k} is larger than the last axis of shape {x.shape}.")
        return KerasTensor(x.shape[:-1] + (k,), x.dtype), KerasTensor(x.shape[:-1] + (k,), "int32")
    x = core.convert_to_tensor(x)
    if x.shape[-1] < k:
        raise ValueError(f"ops.top_k: k={k} is larger than the last axis of shape {x.shape}.")
    order = np.argsort(-x.value, axis=-1, kind="stable")[..., :k]
    if not sorted:
        order = np.sort(order, axis=-1)
    indices = core.Tensor(order.astype("int32"))
    return take_along_axis(x, indices, axis=-1), indices


def in_top_k(targets, predictions, k):
    """True where the target class is among the ``k`` largest predictions of its row
    (ties with the k-th value count as in, as in Keras)."""
    def forward(t, p):
        target_score = np.take_along_axis(p, t.astype(np.int64).reshape(-1, 1), axis=-1)
        better = (p > target_score).sum(axis=-1)
        return better < k, lambda g: (None, None)
    if isinstance(predictions, KerasTensor):
        return KerasTensor(predictions.shape[:1], "bool")
    return apply(forward, targets, predictions)


erf = _float_unary("erf", lambda x: _special().erf(x), lambda x, y: 2 / np.sqrt(np.pi).astype(x.dtype) * np.exp(-x * x),
                   "The error function, 2/sqrt(pi) * integral of exp(-t**2) from 0 to x.")
erfinv = _float_unary("erfinv", lambda x: _special().erfinv(x),
                      lambda x, y: np.sqrt(np.pi).astype(x.dtype) / 2 * np.exp(y * y),
                      "The inverse of ``erf``.")
rsqrt = _float_unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda x, y: -0.5 * y * y * y, "1 / sqrt(x).")


def _segment(name, combine, fill):
    def op(data, segment_ids, num_segments=None, sorted=False):
        def forward(d, ids):
            if ids.ndim != 1 or ids.shape[0] != d.shape[0]:
                raise ValueError(f"ops.{name}: segment_ids must be 1-D with one id per row of data; "
                                 f"received ids of shape {ids.shape} for data of shape {d.shape}.")
            n = int(num_segments) if num_segments is not None else int(ids.max()) + 1 if ids.size else 0
            ids = ids.astype(np.int64)
            keep = (ids >= 0) & (ids < n)
            out = np.full((n,) + d.shape[1:], fill(d.dtype), dtype=d.dtype)
            combine.at(out, ids[keep], d[keep])
            if combine is not np.add:
                empty = np.bincount(ids[keep], minlength=n) == 0
                out[empty] = 0   # Keras fills segments that received nothing with 0

            def backward(g):
                gd = np.zeros_like(d)
                if combine is np.add:
                    gd[keep] = g[ids[keep]]
                else:   # the gradient goes to the rows that hold the extreme, split between ties
                    hit = keep.reshape((-1,) + (1,) * (d.ndim - 1)) & (d == out[np.clip(ids, 0, n - 1)])
                    counts = np.zeros_like(out)
                    np.add.at(counts, ids[keep], hit[keep].astype(d.dtype))
                    gd = np.where(hit, g[np.clip(ids, 0, n - 1)] / np.maximum(counts[np.clip(ids, 0, n - 1)], 1), 0)
                return gd.astype(d.dtype), None
            return out, backward
        return apply(forward, data, segment_ids)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{name.split('_')[1].capitalize()} of the rows of ``data`` that share a segment id."
    return op


segment_sum = _segment("segment_sum", np.add, lambda dt: 0)
segment_max = _segment("segment_max", np.maximum,
                       lambda dt: -np.inf if np.dtype(dt).kind == "f" else np.iinfo(dt).min)
segment_min = _segment("segment_min", np.minimum,
                       lambda dt: np.inf if np.dtype(dt).kind == "f" else np.iinfo(dt).max)


erfc = _float_unary("erfc", lambda x: _special().erfc(x), lambda x, y: -2 / np.sqrt(np.pi).astype(x.dtype) * np.exp(-x * x),
                    "1 - erf(x), accurate where erf(x) is close to 1.")
i0 = _float_unary("i0", lambda x: _special().i0(x), lambda x, y: _special().i1(x).astype(x.dtype),
                  "The modified Bessel function of the first kind, order 0.")


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of ``data`` that share a segment id (1 for an empty segment); the
    gradient is the product of the segment's other rows."""
    def forward(d, ids):
        if ids.ndim != 1 or ids.shape[0] != d.shape[0]:
            raise ValueError("ops.segment_prod: segment_ids must be 1-D with one id per row of data; "
                             f"received ids of shape {ids.shape} for data of shape {d.shape}.")
        n = int(num_segments) if num_segments is not None else int(ids.max()) + 1 if ids.size else 0
        ids = ids.astype(np.int64)
        out = np.ones((n,) + d.shape[1:], dtype=d.dtype)
        keep = (ids >= 0) & (ids < n)
        np.multiply.at(out, ids[keep], d[keep])

        def backward(g):
            gd = np.zeros_like(d)
            for s in np.unique(ids[keep]):
                rows = np.nonzero(ids == s)[0]
                block = d[rows]
                others = np.empty_like(block)
                for j in range(len(rows)):   # the product of the other rows, without dividing by zeros
                    others[j] = np.prod(np.delete(block, j, axis=0), axis=0)
                gd[rows] = g[s] * others
            return gd, None
        return out, backward
    return apply(forward, data, segment_ids)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` values every ``sequence_stride`` along the last axis:
    (..., n) -> (..., frames, sequence_length). A gather, so the gradient adds back overlaps."""
    length, stride = int(sequence_length), int(sequence_stride)
    n = x.shape[-1]
    if length < 1 or stride < 1 or n is None or n < length:
        raise ValueError(f"ops.extract_sequences: needs 1 <= sequence_length <= the known last axis and "
                         f"sequence_stride >= 1; received sequence_length={sequence_length}, "
                         f"sequence_stride={sequence_stride} for shape {tuple(x.shape)}.")
    frames = 1 + (n - length) // stride
    index = np.arange(frames)[:, None] * stride + np.arange(length)[None, :]
    return core.take(x, index, axis=len(x.shape) - 1)
