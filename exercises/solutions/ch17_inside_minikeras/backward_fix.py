"""Chapter 17, exercise ch17.fix_backward: reference solution.

A custom operation with a wrong backward.

``minikeras.ops.apply(forward, *args)`` turns a NumPy function into a tape
operation: ``forward`` receives the arrays and returns ``(value, backward)``,
where ``backward(g)`` returns one gradient per argument, each with the SHAPE
OF THAT ARGUMENT. ``broken_scaled_bias_add`` computes ``scale * (x + bias)``
(``bias`` of shape ``(units,)`` broadcast over a batch ``x`` of shape
``(batch, units)``) as one operation, but its backward is wrong twice. Try::

    x = ops.convert_to_tensor(np.ones((4, 3)))
    bias = ops.Variable(np.zeros(3))
    with keras.GradientTape() as tape:
        loss = ops.sum(broken_scaled_bias_add(x, bias, 2.0))
    print(tape.gradient(loss, bias))   # shape (4, 3), values 1: both wrong
"""

import numpy as np

from minikeras import ops


def broken_scaled_bias_add(x, bias, scale):
    """The buggy version (do not edit; it is here to be read and run)."""
    def forward(x, b):
        def backward(g):
            return g, g
        return scale * (x + b), backward
    return ops.apply(forward, x, bias)


def scaled_bias_add(x, bias, scale):
    """Reference solution: scale the gradient, then sum it back to each operand's shape."""
    def forward(x, b):
        def backward(g):
            g = scale * g
            return ops.unbroadcast(g, x.shape), ops.unbroadcast(g, b.shape)
        return scale * (x + b), backward
    return ops.apply(forward, x, bias)
