"""Chapter 3: what a Dense layer computes, forwards and backwards, in plain NumPy.

Shapes: ``x`` (batch, input_dim), ``kernel`` (input_dim, units), ``bias`` (units,),
output ``y`` (batch, units). The activation is one of ``"linear"``, ``"relu"``,
``"sigmoid"``, ``"tanh"``.
"""
import numpy as np  # noqa: F401

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")


def dense_forward(x, kernel, bias=None, activation="linear"):
    """Return ``activation(x @ kernel + bias)``, a new array of shape (batch, units).

    ``bias`` is None for a layer built with ``use_bias=False``: then add nothing.
    ``sigmoid(z) = 1 / (1 + exp(-z))``; ``relu(z) = max(z, 0)``; ``tanh`` is ``np.tanh``;
    ``linear`` changes nothing. Keep the dtype of ``x`` (float32 stays float32).
    Raise ``ValueError`` for any other activation name.
    """
    raise NotImplementedError("ch03.dense_forward: implement dense_forward(x, kernel, bias, activation)")


def dense_backward(x, kernel, y, dy, activation="linear", use_bias=True):
    """Backward pass of ``dense_forward``: return ``(dx, dkernel, dbias)``.

    ``x`` and ``kernel`` are the forward inputs, ``y`` the forward output (after the
    activation) and ``dy`` the gradient of the loss with respect to ``y``, shape
    (batch, units). Return the gradients of the loss with respect to ``x`` (batch,
    input_dim), ``kernel`` (input_dim, units) and ``bias`` (units,); ``dbias`` is None
    when ``use_bias`` is False.

    Hint: first find ``dz``, the gradient with respect to ``z = x @ kernel + bias``. Every
    activation here has a derivative that is a function of its *output* y:
    relu' = 1 where y > 0 (else 0), sigmoid' = y (1 - y), tanh' = 1 - y², linear' = 1.
    Then ``dz`` gives the three gradients with two matrix products and one sum over the
    batch axis.
    """
    raise NotImplementedError("ch03.dense_backward: implement dense_backward(x, kernel, y, dy, ...)")


def dense_params(input_dim, units, use_bias=True):
    """Number of parameters of a ``Dense(units, use_bias=use_bias)`` layer reading
    ``input_dim`` features (an int): the kernel's entries plus the bias's, if any."""
    raise NotImplementedError("ch03.dense_params: implement dense_params(input_dim, units, use_bias)")
