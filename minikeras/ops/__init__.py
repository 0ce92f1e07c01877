"""``minikeras.ops``: differentiable array operations, eager on arrays, symbolic on
KerasTensors. Use them inside custom layers; ``GradientTape`` differentiates them."""
from . import nn
from .activations import (elu, exponential, gelu, hard_sigmoid, leaky_relu, linear, log_softmax, relu,
                          relu6, selu, sigmoid, silu, softmax, softplus, softsign, swish)
from .core import (abs, add, all, any, apply, argmax, argmin, broadcast_to, cast, clip, concatenate, cos,
                   divide, dot, equal, exp, expand_dims, flip, getitem, greater, greater_equal, less,
                   less_equal, log, log1p, matmul, max, maximum, mean, min, minimum, multiply, negative,
                   not_equal, ones, ones_like, pad, power, repeat, reshape, shape, sign, sin, split,
                   sqrt, square, squeeze, stack, stop_gradient, subtract, sum, take, tanh, tile,
                   transpose, unbroadcast, where, zeros, zeros_like)
from .tape import GradientTape
from .tensor import Tensor, Variable, convert_to_tensor, to_numpy
