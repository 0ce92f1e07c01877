"""Chapter 17, exercise ch17.fix_backward: a custom operation with a wrong backward.

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
    """``scale * (x + bias)`` as ONE tape operation (``ops.apply``), with a correct backward.

    Keep the structure of ``broken_scaled_bias_add``; fix ``backward`` so that

    * both gradients include the factor ``scale`` (the derivative of
      ``scale * u`` is ``scale``);
    * the gradient for ``bias`` is summed over every axis that broadcasting
      added, so that it has ``bias``'s shape (``ops.unbroadcast(g, b.shape)`` does
      exactly that, see ch17.unbroadcast), and likewise for ``x``, in case ``x``
      was the one broadcast.
    """
    raise NotImplementedError("ch17.fix_backward: implement scaled_bias_add()")
