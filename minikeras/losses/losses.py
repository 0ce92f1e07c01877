"""Loss functions and Loss classes, with Keras's names and reductions.

``keras.losses.mean_squared_error(y_true, y_pred)`` returns one value per sample;
``keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight)`` reduces them to the
scalar that training minimises ("sum_over_batch_size": the weighted sum divided by the
number of values, as Keras 3 does).

Built-in losses run as one tape operation each, with the gradient written out in
``kernels.py``. A subclass of ``Loss`` that defines ``call`` with ``minikeras.ops``, or
any function passed to ``compile``, is differentiated through the tape instead.
"""
import numpy as np

from .. import backend, ops
from ..ops.core import apply
from ..ops.tape import _needs_grad
from ..engine.tensor import KerasTensor
from ..ops.tensor import Tensor, convert_to_tensor
from . import kernels

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def _standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
                         f"Received: reduction={reduction!r}")
    return reduction


def same_rank(y_true, y_pred):
    """Keras's ``squeeze_or_expand_to_same_rank``: fix a rank difference of one when the
    extra axis has size 1, e.g. labels (32,) against predictions (32, 1)."""
    dt, dp = y_true.ndim, y_pred.ndim
    if dt == dp + 1 and y_true.shape[-1] == 1:
        return (y_true[..., 0], y_pred) if dp != 1 else (y_true, y_pred[..., None])
    if dp == dt + 1 and y_pred.shape[-1] == 1:
        return (y_true[..., None], y_pred) if dt == 1 else (y_true, y_pred[..., 0])
    return y_true, y_pred


def _weights_like(sample_weight, values):
    """Sample weights (one per sample, or any shape that lines up from the left) shaped
    to broadcast against ``values``."""
    sw = np.asarray(sample_weight, dtype=values.dtype)
    if sw.ndim > values.ndim and sw.shape[-1] == 1:
        sw = sw.reshape(sw.shape[:-1])
    if sw.ndim < values.ndim:
        sw = sw.reshape(sw.shape + (1,) * (values.ndim - sw.ndim))
    try:
        np.broadcast_shapes(sw.shape, values.shape)
    except ValueError:
        raise ValueError(f"sample_weight of shape {np.shape(sample_weight)} does not match the loss "
                         f"values of shape {values.shape} (one weight per sample is expected).") from None
    return sw


def _is_symbolic(*values):
    return any(isinstance(v, KerasTensor) for v in values)


def _symbolic_loss(y_pred, reduction):
    """A loss called on symbolic tensors, as in a layer's ``call()`` while a functional model is
    built (the endpoint pattern): what it will give, a scalar, or one value per sample (the
    last axis reduced) without reduction. The numbers come when the model runs."""
    shape = tuple(y_pred.shape[:-1]) if reduction in (None, "none") else ()
    return KerasTensor(shape, "float32")


class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred)`` returning per-sample values."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.reduction = _standardize_reduction(reduction)
        self.dtype = backend.standardize_dtype(dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if _is_symbolic(y_true, y_pred, sample_weight):
            return _symbolic_loss(y_pred, self.reduction)
        sample_weight = _with_mask(y_pred, sample_weight, self.reduction)
        y_pred = convert_to_tensor(y_pred)
        y_true = convert_to_tensor(y_true)
        values = convert_to_tensor(self.call(y_true, y_pred))
        return _reduce(values, sample_weight, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _with_mask(y_pred, sample_weight, reduction):
    """The sample weights with the prediction's mask folded in (Keras 3: a model whose output
    carries a mask, from ``Embedding(mask_zero=True)`` say, is not scored on padded steps)."""
    mask = getattr(y_pred, "_keras_mask", None)   # engine/masking.py: where a mask comes from
    if mask is None:
        return sample_weight
    return apply_mask(sample_weight, mask, np.dtype(getattr(y_pred, "dtype", "float32")), reduction)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Keras 3's ``apply_mask`` (same arguments): the mask of a prediction folded into the
    sample weights, so that masked steps count for nothing. For a mean ("sum_over_batch_size",
    "mean") the kept entries weigh ``total / kept``: the loss is then the mean over the real
    steps only. Other reductions (and metrics, which pass "sum") weigh kept entries 1. Sample
    weights given as well are multiplied in, lined up from the batch axis (Keras lines them
    up from the last axis, which fails for one weight per sample and a (batch, steps) mask)."""
    if mask is None:
        return sample_weight
    keep = np.asarray(getattr(mask, "value", mask)).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        kept = keep.sum()
        weights = np.where(keep, np.float32(keep.size) / np.float32(kept) if kept else 0.0, 0.0).astype(dtype)
    else:
        weights = keep.astype(dtype)
    if sample_weight is None:
        return weights
    sw = np.asarray(getattr(sample_weight, "value", sample_weight), dtype=dtype)
    if sw.ndim == weights.ndim + 1 and sw.shape[-1] == 1:
        sw = sw[..., 0]
    sw = sw.reshape(sw.shape + (1,) * max(weights.ndim - sw.ndim, 0))
    return weights * sw


def _reduce(values, sample_weight, reduction):
    """Weighted reduction with ops, so that it differentiates through the tape."""
    if sample_weight is not None:
        weights = _weights_like(sample_weight, values.value)
        values = ops.multiply(values, weights)
    if reduction in (None, "none") or values.ndim == 0:
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return ops.divide(total, np.sum(np.broadcast_to(weights, values.shape)))
    return ops.divide(total, values.value.dtype.type(max(values.size, 1)))


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` made into a Loss object.

    Built-in functions run as one fused operation; others run through the tape.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self._kernel = _KERNELS.get(fn)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self._kernel is None or _is_symbolic(y_true, y_pred, sample_weight):
            return super().__call__(y_true, y_pred, sample_weight)
        sample_weight = _with_mask(y_pred, sample_weight, self.reduction)
        return _fused_loss(self._kernel, self.fn is sparse_categorical_crossentropy, y_true, y_pred,
                           sample_weight, self.reduction, self._fn_kwargs, self.name)

    def call(self, y_true, y_pred):
        y_true, y_pred = _same_rank_tensors(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


def _same_rank_tensors(y_true, y_pred):
    t, p = same_rank(np.empty(y_true.shape, dtype=bool), np.empty(y_pred.shape, dtype=bool))
    if t.shape != y_true.shape:
        y_true = ops.reshape(y_true, t.shape)
    if p.shape != y_pred.shape:
        y_pred = ops.reshape(y_pred, p.shape)
    return y_true, y_pred


def _fused_loss(kernel, sparse, y_true, y_pred, sample_weight, reduction, kwargs, name):
    """The whole loss (values, weighting, reduction) as one tape record."""
    y_pred = convert_to_tensor(y_pred)
    wants_true_grad = isinstance(y_true, Tensor) and _needs_grad(y_true)
    if not isinstance(y_true, Tensor):
        y_true = np.asarray(y_true)
    none_reduction = reduction in (None, "none")

    def forward(t, p):
        t_in, p_in = t, p
        if not sparse:
            t = t.astype(p.dtype, copy=False)
            t, p = same_rank(t, p)
        values, back = kernel(t, p, **kwargs)
        values = np.asarray(values, dtype=p.dtype)
        weights = None if sample_weight is None else _weights_like(sample_weight, values)
        weighted = values if weights is None else values * weights
        if none_reduction or values.ndim == 0:
            out, scale = weighted, 1
        elif reduction == "sum":
            out, scale = weighted.sum(), 1
        else:
            if reduction == "mean_with_sample_weight" and weights is not None:
                count = np.sum(np.broadcast_to(weights, values.shape))
            else:
                count = max(values.size, 1)
            scale = p.dtype.type(1) / p.dtype.type(count)
            out = weighted.sum() * scale
        out = np.asarray(out, dtype=p.dtype)

        def backward(g):
            # a scalar gradient broadcasts inside the kernels' backward: no full array needed
            g_values = g * scale if weights is None else (g * scale) * weights
            g_true, g_pred = back(g_values)
            if wants_true_grad and g_true is None:
                raise NotImplementedError(
                    f"Loss {name}: minikeras does not differentiate this loss with respect to y_true. "
                    "Pass y_true as a constant (e.g. ops.stop_gradient(y_true)).")
            return (g_true.reshape(t_in.shape) if wants_true_grad else None), g_pred.reshape(p_in.shape)
        return out, backward
    return apply(forward, y_true, y_pred)


def _function_op(kernel, y_true, y_pred, sparse=False, **kwargs):
    """Per-sample loss values of a built-in loss function, differentiable; on symbolic
    tensors (inside a layer's call() while a functional model is built), their shape."""
    if _is_symbolic(y_true, y_pred):
        return _symbolic_loss(y_pred, None)
    if isinstance(y_pred, (list, tuple)) or not hasattr(y_pred, "shape"):
        y_pred = np.asarray(y_pred, dtype="float32")
    return _fused_loss(kernel, sparse, y_true, y_pred, None, "none", kwargs, kernel.__name__[:-7])


# ----------------------------------------------------------------------------- functions

def mean_squared_error(y_true, y_pred):
    """mean(square(y_true - y_pred), axis=-1)"""
    return _function_op(kernels.mean_squared_error_values, y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    """mean(abs(y_true - y_pred), axis=-1)"""
    return _function_op(kernels.mean_absolute_error_values, y_true, y_pred)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)"""
    return _function_op(kernels.mean_absolute_percentage_error_values, y_true, y_pred)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1), values clipped at epsilon"""
    return _function_op(kernels.mean_squared_logarithmic_error_values, y_true, y_pred)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for errors up to ``delta``, linear beyond; mean over the last axis."""
    return _function_op(kernels.huber_values, y_true, y_pred, delta=delta)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1)"""
    return _function_op(kernels.log_cosh_values, y_true, y_pred)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)"""
    return _function_op(kernels.poisson_values, y_true, y_pred)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 means same direction."""
    return _function_op(kernels.cosine_similarity_values, y_true, y_pred, axis=axis)


def hinge(y_true, y_pred):
    """mean(maximum(1 - y_true * y_pred, 0), axis=-1); labels {0, 1} become {-1, 1}."""
    return _function_op(kernels.hinge_values, y_true, y_pred)


def squared_hinge(y_true, y_pred):
    return _function_op(kernels.squared_hinge_values, y_true, y_pred)


def categorical_hinge(y_true, y_pred):
    return _function_op(kernels.categorical_hinge_values, y_true, y_pred)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    return _function_op(kernels.kl_divergence_values, y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean over the last axis of -(t log p + (1 - t) log(1 - p)); p clipped to [eps, 1 - eps]."""
    _check_axis(axis, "binary_crossentropy")
    return _function_op(kernels.binary_crossentropy_values, y_true, y_pred, from_logits=from_logits,
                        label_smoothing=label_smoothing)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred), axis) for one-hot (or probability) targets."""
    return _function_op(kernels.categorical_crossentropy_values, y_true, y_pred, from_logits=from_logits,
                        label_smoothing=label_smoothing, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log(y_pred[label]) for integer labels 0..C-1."""
    _check_ignore_class(ignore_class)
    return _function_op(kernels.sparse_categorical_crossentropy_values, y_true, y_pred, sparse=True,
                        from_logits=from_logits, axis=axis)


def _check_axis(axis, name):
    if axis != -1:
        raise ValueError(f"{name}: minikeras supports axis=-1 only, received axis={axis}.")


def _check_ignore_class(ignore_class):
    if ignore_class is not None:
        raise ValueError("sparse_categorical_crossentropy: minikeras does not implement `ignore_class`; "
                         f"received ignore_class={ignore_class}.")


_KERNELS = {
    mean_squared_error: kernels.mean_squared_error_values,
    mean_absolute_error: kernels.mean_absolute_error_values,
    mean_absolute_percentage_error: kernels.mean_absolute_percentage_error_values,
    mean_squared_logarithmic_error: kernels.mean_squared_logarithmic_error_values,
    huber: kernels.huber_values,
    log_cosh: kernels.log_cosh_values,
    poisson: kernels.poisson_values,
    cosine_similarity: kernels.cosine_similarity_values,
    hinge: kernels.hinge_values,
    squared_hinge: kernels.squared_hinge_values,
    categorical_hinge: kernels.categorical_hinge_values,
    kl_divergence: kernels.kl_divergence_values,
    binary_crossentropy: kernels.binary_crossentropy_values,
    categorical_crossentropy: kernels.categorical_crossentropy_values,
    sparse_categorical_crossentropy: kernels.sparse_categorical_crossentropy_values,
}


# ----------------------------------------------------------------------------- classes

class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Hinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        _check_axis(axis, "BinaryCrossentropy")
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None, axis=-1):
        _check_ignore_class(ignore_class)
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def get_config(self):
        return {**super().get_config(), "ignore_class": None}


def kind_of(loss):
    """'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'
    or None: what the training loop needs to resolve 'accuracy' and check targets."""
    fn = getattr(loss, "fn", loss)
    for candidate in (binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy):
        if fn is candidate:
            return candidate.__name__
    return None
