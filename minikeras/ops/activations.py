"""Activation functions as differentiable operations (numerically stable forms)."""
import math

import numpy as np

from . import core
from .core import _unary_rule, apply
from .numpy import _as_float, cumsum, moveaxis, sort


def _elementwise(forward_fn):
    """An op from ``forward_fn(x) -> (y, dy_dx)``."""
    def op(x):
        def forward(x):
            y, grad = forward_fn(x)
            return y, lambda g: (g * grad,)
        return apply(forward, x, shape_rule=_unary_rule)
    op.__name__ = forward_fn.__name__
    return op


def _one(x):
    return x.dtype.type(1)


def _sigmoid_values(x):
    # exp of a negative number only, so large |x| neither overflows nor loses precision
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


@_elementwise
def relu(x):
    return np.maximum(x, 0), (x > 0).astype(x.dtype)


@_elementwise
def sigmoid(x):
    y = _sigmoid_values(x)
    return y, y * (1 - y)


@_elementwise
def tanh(x):
    y = np.tanh(x)
    return y, 1 - y * y


@_elementwise
def linear(x):
    return x, _one(x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    def forward(x):
        e = np.expm1(np.minimum(x, 0))
        y = np.where(x > 0, x, alpha * e).astype(x.dtype, copy=False)
        return y, lambda g: ((g * np.where(x > 0, 1, alpha * (e + 1))).astype(g.dtype, copy=False),)
    return apply(forward, x, shape_rule=_unary_rule)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


@_elementwise
def selu(x):
    e = np.expm1(np.minimum(x, 0))
    y = _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * e)
    d = _SELU_SCALE * np.where(x > 0, 1, _SELU_ALPHA * (e + 1))
    return y.astype(x.dtype), d.astype(x.dtype)


@_elementwise
def softplus(x):
    return np.logaddexp(0, x).astype(x.dtype), _sigmoid_values(x)


@_elementwise
def softsign(x):
    d = 1 + np.abs(x)
    return x / d, 1 / (d * d)


@_elementwise
def silu(x):
    s = _sigmoid_values(x)
    return x * s, s * (1 + x * (1 - s))


swish = silu


def gelu(x, approximate=False):
    """x * Phi(x), Phi the standard normal CDF (the activation's default, exact), or with
    ``approximate`` the tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    def forward(x):
        if approximate:
            c = np.sqrt(2 / np.pi)
            inner = c * (x + 0.044715 * x ** 3)
            t = np.tanh(inner)
            y = 0.5 * x * (1 + t)
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
        else:
            erf = np.vectorize(math.erf, otypes=[x.dtype])
            cdf = 0.5 * (1 + erf(x / np.sqrt(2)))
            y = x * cdf
            d = cdf + x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi)
        return y.astype(x.dtype), lambda g: ((g * d).astype(g.dtype),)
    return apply(forward, x, shape_rule=_unary_rule)


@_elementwise
def hard_sigmoid(x):
    # Keras 3: relu6(x + 3) / 6
    y = np.clip(x / 6 + 0.5, 0, 1)
    return y.astype(x.dtype), ((x > -3) & (x < 3)).astype(x.dtype) / x.dtype.type(6)


@_elementwise
def mish(x):
    """x * tanh(softplus(x)); the derivative tanh(sp) + x * (1 - tanh(sp)**2) * sigmoid(x)
    follows from softplus' = sigmoid."""
    t = np.tanh(np.logaddexp(0, x))
    return (x * t).astype(x.dtype), (t + x * (1 - t * t) * _sigmoid_values(x)).astype(x.dtype)


@_elementwise
def exponential(x):
    y = np.exp(x)
    return y, y


@_elementwise
def relu6(x):
    return np.clip(x, 0, 6), ((x > 0) & (x < 6)).astype(x.dtype)


def leaky_relu(x, negative_slope=0.2):
    def forward(x):
        return np.where(x > 0, x, negative_slope * x).astype(x.dtype, copy=False), \
            lambda g: (np.where(x > 0, g, negative_slope * g).astype(g.dtype, copy=False),)
    return apply(forward, x, shape_rule=_unary_rule)


def softmax(x, axis=-1):
    def forward(x):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        return y, lambda g: (y * (g - (g * y).sum(axis=axis, keepdims=True)),)
    return apply(forward, x, shape_rule=_unary_rule)


def log_softmax(x, axis=-1):
    def forward(x):
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        return y, lambda g: (g - np.exp(y) * g.sum(axis=axis, keepdims=True),)
    return apply(forward, x, shape_rule=_unary_rule)


# ----------------------------------------------------------------------------- composed of ops
# (their gradients are those of the ops they are made of)

def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return core.negative(softplus(core.negative(x)))


def hard_tanh(x):
    """x clipped to [-1, 1]."""
    return core.clip(x, -1.0, 1.0)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    return core.multiply(x, hard_sigmoid(x))


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
    return core.multiply(a, sigmoid(b))


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


def sparse_sigmoid(x):
    """A piecewise-linear sigmoid: 0 below -1, 1 above 1, (x + 1) / 2 between."""
    return core.clip(core.multiply(core.add(x, 1.0), 0.5), 0.0, 1.0)


def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along ``axis``: like softmax,
    but exact zeros for the small entries. With the values sorted descending, the support is
    the k largest for which 1 + k z_k > sum_{j<=k} z_j; tau = (sum of the support - 1) / k."""
    x = _as_float(x)
    moved = moveaxis(x, axis, -1)
    descending = core.negative(sort(core.negative(moved), axis=-1))
    n = moved.shape[-1]
    k = np.arange(1, n + 1, dtype=np.dtype(moved.dtype))
    in_support = core.stop_gradient(core.greater(core.add(core.multiply(descending, k), 1.0),
                                                 cumsum(descending, axis=-1)))
    support = core.cast(in_support, moved.dtype)
    tau = core.divide(core.subtract(core.sum(core.multiply(descending, support), axis=-1, keepdims=True), 1.0),
                      core.sum(support, axis=-1, keepdims=True))
    return moveaxis(core.maximum(core.subtract(moved, tau), 0.0), -1, axis)
