"""Activation functions as differentiable operations (numerically stable forms)."""
import math

import numpy as np

from .core import _unary_rule, apply


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
