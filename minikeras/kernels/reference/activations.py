"""Activations, written as their equations (reference backend).

``activation(z, code)`` and ``activation_grad(y, dy, code)`` are the definitions; the
four functions after them are the backend interface, with the signatures of the fast
backend's ``kernels/activations.py``. Codes and the derivative-from-output rule are
explained in ``kernels/activation_codes.py``.
"""
import numpy as np

from ..activation_codes import HARD_SIGMOID, RELU, SIGMOID, SOFTMAX, TANH

__all__ = ["activation", "activation_grad", "bias_activation_inplace", "bias_activation_backward",
           "apply_activation_inplace", "activation_grad_from_output"]


def activation(z, code):
    """act(z) as a new array."""
    z = np.asarray(z)
    one = z.dtype.type(1)
    if code == RELU:
        return np.maximum(z, 0)
    if code == SIGMOID:
        with np.errstate(over="ignore"):  # exp(-z) = inf for very negative z: sigmoid is then 0, as it should be
            return one / (one + np.exp(-z))
    if code == TANH:
        return np.tanh(z)
    if code == HARD_SIGMOID:  # Keras 2 / tf.keras definition
        return np.clip(z * z.dtype.type(0.2) + z.dtype.type(0.5), 0, 1)
    if code == SOFTMAX:  # over the last axis; shifted by the row's maximum, so exp cannot overflow
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return z.copy()


def activation_grad(y, dy, code):
    """dL/dz from the output y = act(z) and dL/dy."""
    y, dy = np.asarray(y), np.asarray(dy)
    if code == RELU:
        return dy * (y > 0)
    if code == SIGMOID:
        return dy * y * (1 - y)
    if code == TANH:
        return dy * (1 - y * y)
    if code == HARD_SIGMOID:
        return dy * ((y > 0) & (y < 1)) * y.dtype.type(0.2)
    if code == SOFTMAX:
        return y * (dy - (dy * y).sum(axis=-1, keepdims=True))
    return dy.copy()


def bias_activation_inplace(y, bias, code):
    """y <- act(y + bias), bias along the last axis; returns y."""
    y[...] = activation(y if bias is None else y + bias, code)
    return y


def bias_activation_backward(y, dy, code, has_bias):
    """(dL/dz, dL/dbias or None) for y = act(z + bias); dbias sums over all axes but the last."""
    dz = activation_grad(y, dy, code)
    return dz, (dz.reshape(-1, dz.shape[-1]).sum(axis=0) if has_bias else None)


def apply_activation_inplace(z, code):
    """z <- act(z); returns z."""
    z[...] = activation(z, code)
    return z


def activation_grad_from_output(y, dy, code):
    """dL/dz from y = act(z) and dL/dy."""
    return activation_grad(y, dy, code)
