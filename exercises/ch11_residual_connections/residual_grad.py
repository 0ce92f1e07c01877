"""Chapter 11, exercise ch11.residual_grad: why gradients flow through a skip connection.

A residual block computes ``y = block(x) + x``. Its backward pass sends the
gradient ``dy`` two ways: through the block, and straight through the addition
(the derivative of ``+ x`` is the identity). Write that backward pass for the
smallest block, one Dense layer with ReLU; the tests compare it with
``minikeras.GradientTape`` on ``layers.add([Dense(n, activation="relu")(x), x])``.
"""

import numpy as np


def residual_dense_backward(x, kernel, bias, dy):
    """Backward pass of ``y = relu(x @ kernel + bias) + x``.

    Shapes: ``x`` is ``(batch, n)``, ``kernel`` is ``(n, n)`` (square, so that
    the block's output can be added to ``x``), ``bias`` is ``(n,)`` and ``dy`` (the
    gradient of the loss with respect to ``y``) is ``(batch, n)``.

    Return ``(dx, d_kernel, d_bias)``. Take the derivative of relu at 0 to be 0.
    Hint: recompute ``z = x @ kernel + bias``; the gradient reaching ``z`` is
    ``dy`` where ``z > 0``; then ``dx`` gets that gradient through the kernel
    *plus* ``dy`` through the skip.
    """
    raise NotImplementedError("ch11.residual_grad: implement residual_dense_backward()")
