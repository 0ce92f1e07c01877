"""The activations the kernels apply themselves, as small integer codes.

A numba kernel cannot take a Python function as an argument cheaply, so both kernel
backends pass activations as codes. relu, sigmoid, tanh, hard_sigmoid and linear all
have derivatives that are functions of their *output* y:

    relu' = [y > 0]    sigmoid' = y (1 - y)    tanh' = 1 - y^2
    hard_sigmoid' = 0.2 where 0 < y < 1        linear' = 1

so a layer keeps y (which it returns anyway) and can forget the pre-activation.

softmax over the last axis is one more: y = exp(z) / sum(exp(z)) along a row, and

    softmax' applied to g = y * (g - sum(g * y))    (the sums along the same row)

needs only y too. It is not elementwise, so it works on whole rows: dense and conv
layers (softmax over units or channels, Keras's default axis) fuse it; the recurrent
kernels, which activate one gate block at a time, do not take it.
``activation_code`` returns None for anything else (elu, softmax over another axis, a
Python callable...); the layer then applies that activation as a separate operation.
"""
__all__ = ["LINEAR", "RELU", "SIGMOID", "TANH", "HARD_SIGMOID", "SOFTMAX", "activation_code"]

LINEAR, RELU, SIGMOID, TANH, HARD_SIGMOID, SOFTMAX = 0, 1, 2, 3, 4, 5

_CODES = {None: LINEAR, "linear": LINEAR, "relu": RELU, "sigmoid": SIGMOID, "tanh": TANH,
          "hard_sigmoid": HARD_SIGMOID, "softmax": SOFTMAX}


def activation_code(name):
    """Kernel code for an activation name (None means linear), or None if unsupported."""
    if name is None or isinstance(name, str):
        return _CODES.get(name)
    return None
