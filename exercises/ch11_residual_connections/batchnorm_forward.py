"""Chapter 11, exercise ch11.batchnorm: the forward pass of BatchNormalization.

Write, in NumPy, what ``keras.layers.BatchNormalization`` computes when it is
called with ``training=True`` (during ``fit``) and with ``training=False``
(``predict``, ``evaluate``). The tests compare your function with minikeras'
layer holding the same weights.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, moving_mean, moving_variance, training,
                      momentum=0.99, epsilon=1e-3):
    """Return ``(y, new_moving_mean, new_moving_variance)``.

    ``x`` has shape ``(..., channels)``: channels last, any number of leading
    axes (a batch of vectors ``(n, c)``, or of images ``(n, h, w, c)``).
    ``gamma``, ``beta``, ``moving_mean`` and ``moving_variance`` have shape
    ``(channels,)``. Statistics are per channel, over every other axis.

    * ``training=True``: use the batch's mean and its *biased* variance
      (``np.var``, dividing by the count, not count - 1) to normalise:
      ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``. Move the moving
      statistics towards the batch's:
      ``new = moving * momentum + batch_statistic * (1 - momentum)``.
    * ``training=False``: normalise with ``moving_mean`` and ``moving_variance``
      instead, and return them unchanged.

    Do not modify the arrays you receive; return new ones.
    """
    raise NotImplementedError("ch11.batchnorm: implement batchnorm_forward()")
