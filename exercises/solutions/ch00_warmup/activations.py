"""Chapter 0 warm-up: the ReLU activation and its gradient, in plain NumPy."""

import numpy as np


def relu(x):
    """Return ``max(x, 0)`` elementwise.

    ``x`` is a NumPy array of any shape. Return a *new* array with the same
    shape and dtype as ``x``; do not modify ``x``.
    """
    return np.where(x > 0, x, np.zeros_like(x))


def relu_grad(x, dy):
    """Backward pass of ReLU.

    ``dy`` is the gradient of the loss with respect to ``relu(x)`` (same shape
    as ``x``). Return the gradient with respect to ``x``: ``dy`` where
    ``x > 0`` and ``0`` elsewhere (also at ``x == 0``), with the dtype of ``dy``.
    """
    return np.where(x > 0, dy, np.zeros_like(dy))
