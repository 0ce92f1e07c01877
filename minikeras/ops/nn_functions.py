"""The functional neural-network operations of ``keras.ops`` (Keras's ``keras.ops.nn``):
encodings, cross-entropies, moments and normalisation, and the smaller activations.

(``ops/nn.py`` holds something else: the fused kernels behind the built-in layers.)
Most are written as compositions of differentiable operations, so their gradients and
their shape rules on KerasTensors come from the parts; ``one_hot`` is a table lookup
with no gradient.
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from . import activations, core
from .core import apply
from .linalg import norm
from .math import logsumexp
from .numpy import _as_float, moveaxis, var


# ----------------------------------------------------------------------------- encodings

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer class ids -> one-hot vectors along a new axis (floatx). Ids outside
    [0, num_classes) give all-zero vectors, as in Keras."""
    if sparse:
        raise ValueError("ops.one_hot: minikeras has only dense tensors; received sparse=True.")
    num_classes = _positive_int(num_classes, "one_hot", "num_classes")
    dtype = backend.standardize_dtype(dtype)

    def forward(ids):
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind != "f" or np.any(ids != np.floor(ids)):
                raise TypeError(f"ops.one_hot: expects integer class ids, received dtype {ids.dtype}.")
        ids = ids.astype(np.int64)
        out = (ids[..., None] == np.arange(num_classes)).astype(dtype)
        return np.moveaxis(out, -1, axis), lambda g: (None,)
    if isinstance(x, KerasTensor):
        shape = list(x.shape)
        shape.insert(axis % (len(shape) + 1), num_classes)
        return KerasTensor(tuple(shape), dtype)
    return apply(forward, x)


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    """Rows of class ids -> one vector per row with a 1 for every id in it (the ids axis, the
    last, is replaced by the classes)."""
    encoded = one_hot(inputs, num_classes, axis=-1, dtype=dtype, sparse=sparse)
    out = core.max(encoded, axis=-2)
    return out if axis == -1 else moveaxis(out, -1, axis)


def _positive_int(value, op, name):
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"ops.{op}: `{name}` must be a positive integer, received {name}={value!r}.")
    return int(value)


# ----------------------------------------------------------------------------- cross-entropies

def _check_same_shape(target, output, op):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"ops.{op}: target and output must have the same shape; received "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}.")


def binary_crossentropy(target, output, from_logits=False):
    """-(t log p + (1 - t) log(1 - p)), elementwise. With ``from_logits`` the output is a
    logit and the stable form max(z, 0) - z t + log(1 + exp(-|z|)) is used; otherwise p is
    clipped to [eps, 1 - eps] as Keras does."""
    target, output = _as_float(target), _as_float(output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return core.add(core.subtract(core.maximum(output, 0.0), core.multiply(output, target)),
                        core.log1p(core.exp(core.negative(core.abs(output)))))
    eps = backend.epsilon()
    p = core.clip(output, eps, 1.0 - eps)
    return core.negative(core.add(core.multiply(target, core.log(p)),
                                  core.multiply(core.subtract(1.0, target), core.log(core.subtract(1.0, p)))))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(t * log p) along ``axis``. Probabilities are first rescaled to sum to 1 and clipped
    to [eps, 1 - eps]; logits go through a stable log-softmax."""
    target, output = _as_float(target), _as_float(output)
    _check_same_shape(target, output, "categorical_crossentropy")
    if len(output.shape) < 1:
        raise ValueError("ops.categorical_crossentropy: output needs a class axis, received a scalar.")
    if from_logits:
        log_p = core.subtract(output, logsumexp(output, axis=axis, keepdims=True))
    else:
        eps = backend.epsilon()
        p = core.divide(output, core.sum(output, axis=axis, keepdims=True))
        log_p = core.log(core.clip(p, eps, 1.0 - eps))
    return core.negative(core.sum(core.multiply(target, log_p), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``categorical_crossentropy`` with integer class ids as the target (one fewer axis)."""
    output = _as_float(output)
    target_shape = tuple(target.shape) if hasattr(target, "shape") else np.shape(target)
    if len(target_shape) == len(output.shape) and target_shape[-1] == 1:
        target = core.squeeze(target, axis=-1)
        target_shape = target_shape[:-1]
    if tuple(target_shape) != tuple(output.shape[:-1]) and axis in (-1, len(output.shape) - 1):
        raise ValueError("ops.sparse_categorical_crossentropy: target must have the shape of output "
                         f"without its class axis; received target.shape={tuple(target_shape)}, "
                         f"output.shape={tuple(output.shape)}.")
    n = output.shape[axis]
    if n is None:
        raise ValueError(f"ops.sparse_categorical_crossentropy: the class axis of {output.shape} must be known.")
    return categorical_crossentropy(one_hot(target, n, axis=axis, dtype=output.dtype), output,
                                    from_logits=from_logits, axis=axis)


# ----------------------------------------------------------------------------- moments and normalisation

def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of ``x`` over ``axes`` (the biased variance, as batch normalisation uses)."""
    if synchronized:
        raise ValueError("ops.moments: synchronized=True needs distributed training, which minikeras "
                         "does not do.")
    x = _as_float(x)
    return core.mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its ``order``-norm along ``axis`` (the norm floored at ``epsilon``)."""
    if not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"ops.normalize: `order` must be an integer >= 1, received order={order!r}.")
    x = _as_float(x)
    eps = backend.epsilon() if epsilon is None else epsilon
    return core.divide(x, core.maximum(norm(x, ord=order, axis=axis, keepdims=True), eps))


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, with the statistics shaped
    like ``x``'s ``axis`` (they are broadcast along it)."""
    x = _as_float(x)
    rank = len(x.shape)
    shape = [1] * rank
    shape[axis % rank] = x.shape[axis % rank]

    def along(v):
        return core.reshape(v, shape)
    inv = core.divide(1.0, core.sqrt(core.add(along(variance), epsilon)))
    if scale is not None:
        inv = core.multiply(inv, along(scale))
    out = core.multiply(core.subtract(x, along(mean)), inv)
    return core.add(out, along(offset)) if offset is not None else out


# ----------------------------------------------------------------------------- activations

def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return core.negative(activations.softplus(core.negative(x)))


def hard_tanh(x):
    """x clipped to [-1, 1]."""
    return core.clip(x, -1.0, 1.0)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    return core.multiply(x, activations.hard_sigmoid(x))


hard_swish = hard_silu


def celu(x, alpha=1.0):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    negative = core.multiply(alpha, core.subtract(core.exp(core.divide(core.minimum(x, 0.0), alpha)), 1.0))
    return core.add(core.maximum(x, 0.0), negative)


def glu(x, axis=-1):
    """Gated linear unit: split ``axis`` in halves a, b and return a * sigmoid(b)."""
    n = x.shape[axis]
    if n is not None and n % 2:
        raise ValueError(f"ops.glu: the axis {axis} of shape {tuple(x.shape)} must have an even size.")
    a, b = core.split(x, 2, axis=axis)
    return core.multiply(a, activations.sigmoid(b))


def soft_shrink(x, threshold=0.5):
    """x - threshold above it, x + threshold below -threshold, 0 between."""
    return core.where(core.greater(x, threshold), core.subtract(x, threshold),
                      core.where(core.less(x, -threshold), core.add(x, threshold), core.multiply(x, 0.0)))


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    return core.where(core.greater(core.abs(x), threshold), x, core.multiply(x, 0.0))


def tanh_shrink(x):
    """x - tanh(x)."""
    return core.subtract(x, core.tanh(x))


def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2: a smooth relu."""
    if b < 0:
        raise ValueError(f"ops.squareplus: `b` must be non-negative, received b={b}.")
    return core.multiply(core.add(x, core.sqrt(core.add(core.square(x), float(b)))), 0.5)


def sparse_plus(x):
    """0 for x <= -1, x for x >= 1, (x + 1)**2 / 4 between."""
    middle = core.multiply(core.square(core.add(x, 1.0)), 0.25)
    return core.where(core.less_equal(x, -1.0), core.multiply(x, 0.0),
                      core.where(core.greater_equal(x, 1.0), x, middle))


def threshold(x, threshold, default_value):
    """x where x > threshold, else ``default_value``."""
    return core.where(core.greater(x, threshold), x, core.add(core.multiply(x, 0.0), default_value))
