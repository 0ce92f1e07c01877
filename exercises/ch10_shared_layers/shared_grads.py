"""Chapter 10, exercise ch10.shared_gradients: what a shared layer learns from two calls.

A shared layer has one set of weights and several calls. During training, each
call sends a gradient back to the same weights, and the gradients add up. Here
you compute those sums by hand, in plain NumPy; the tests compare them with what
``minikeras.GradientTape`` finds for a real shared ``Dense`` and ``Embedding``.
"""

import numpy as np


def shared_dense_grads(x_a, x_b, kernel, dy_a, dy_b):
    """Gradients of a Dense layer (no activation) that was called on two inputs.

    The layer computed ``y_a = x_a @ kernel + bias`` and ``y_b = x_b @ kernel + bias``
    with the SAME ``kernel`` (shape ``(features, units)``) and ``bias`` (``(units,)``).
    ``dy_a`` and ``dy_b`` are the gradients of the loss with respect to ``y_a`` and
    ``y_b``. ``x_a`` and ``x_b`` may have any number of leading axes (a batch, or
    batch and time), ``(..., features)``, and they need not have the same batch size.

    Return ``(d_kernel, d_bias)``, with the shapes of ``kernel`` and ``bias``.
    Hint: work out one call first (``x.T @ dy`` for 2-D arrays), then add the
    contributions of both calls. Flatten leading axes with ``reshape(-1, n)``.
    """
    raise NotImplementedError("ch10.shared_gradients: implement shared_dense_grads()")


def shared_embedding_grad(ids_a, ids_b, dvec_a, dvec_b, vocab_size):
    """Gradient of an Embedding table that was looked up twice.

    The layer returned ``vec_a = table[ids_a]`` and ``vec_b = table[ids_b]``, where
    ``table`` has shape ``(vocab_size, dim)`` and ``ids_a``/``ids_b`` are integer
    arrays of any shape (for example ``(batch, length)``). ``dvec_a`` has shape
    ``ids_a.shape + (dim,)`` (likewise ``dvec_b``).

    Return ``d_table`` of shape ``(vocab_size, dim)``: row ``w`` is the sum of the
    gradients of every position, in either input, that holds word ``w``; rows of
    words that appear nowhere are zero. Careful: ``d[ids] += g`` does NOT add
    twice when a word appears twice; ``np.add.at`` does.
    """
    raise NotImplementedError("ch10.shared_gradients: implement shared_embedding_grad()")
