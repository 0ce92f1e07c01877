"""Fused neural-network operations used by the built-in layers.

Each one is a single tape record with a hand-written backward that calls the numba
kernels in ``minikeras.kernels``: one record per layer call instead of one per
elementary operation keeps the Python overhead per training step small.
"""
import numpy as np

from ..kernels import dense as dense_kernels
from ..kernels.activations import LINEAR, RELU, SIGMOID, TANH
from . import activations as activation_ops
from .core import apply

# Activations the kernels fuse with the bias add; others run as a separate op.
_FUSED_CODES = {None: LINEAR, "linear": LINEAR, "relu": RELU, "sigmoid": SIGMOID, "tanh": TANH}


def fused_activation_code(activation):
    """Kernel code for an activation given by name or as a minikeras function, else None."""
    if isinstance(activation, str) or activation is None:
        return _FUSED_CODES.get(activation)
    for name, fn in (("relu", activation_ops.relu), ("sigmoid", activation_ops.sigmoid),
                     ("tanh", activation_ops.tanh), ("linear", activation_ops.linear)):
        if activation is fn:
            return _FUSED_CODES[name]
    return None


def dense(x, kernel, bias=None, activation=None):
    """act(x @ kernel + bias) on the last axis of ``x`` (any rank), as one operation.

    ``activation`` is a name or function; those the kernel cannot fuse are applied after.
    """
    code = fused_activation_code(activation)

    def forward(x, kernel, *bias_arg):
        b = bias_arg[0] if bias_arg else None
        x2d = x.reshape(-1, x.shape[-1])
        y = dense_kernels.dense_forward(x2d, kernel, b, LINEAR if code is None else code)

        def backward(g):
            dx, dk, db = dense_kernels.dense_backward(
                x2d, kernel, y, g.reshape(y.shape), LINEAR if code is None else code, b is not None)
            grads = (dx.reshape(x.shape), dk)
            return grads + ((db,) if b is not None else ())
        return y.reshape(x.shape[:-1] + (kernel.shape[-1],)), backward

    def rule(x_shape, k_shape, *b_shape):
        return tuple(x_shape[:-1]) + (k_shape[-1],)

    args = (x, kernel) + ((bias,) if bias is not None else ())
    out = apply(forward, *args, shape_rule=rule)
    if code is None:
        from .. import activations
        out = activations.get(activation)(out)
    return out
