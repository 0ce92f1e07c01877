"""Chapter 16, exercise ch16.crossentropy: sparse categorical crossentropy and its gradient.

``loss="sparse_categorical_crossentropy"`` is minus the log of the probability
the model gives to the right class, averaged over the batch. Write it in NumPy,
for probabilities and for logits, and the gradient with respect to the logits.
The tests compare your numbers with ``keras.losses.SparseCategoricalCrossentropy``
and with ``GradientTape``.
"""

import numpy as np


def sparse_crossentropy(labels, probs, epsilon=1e-7):
    """Mean loss for integer ``labels`` (shape ``(n,)``) and ``probs`` (shape ``(n, classes)``).

    As Keras does: divide each row of ``probs`` by its sum (so rows that do not
    quite sum to 1 still work), clip the probability of the right class to
    ``[epsilon, 1 - epsilon]`` (so that ``log(0)`` never happens), and return the
    mean over the batch of ``-log`` of it, as a Python float.
    """
    raise NotImplementedError("ch16.crossentropy: implement sparse_crossentropy()")


def sparse_crossentropy_from_logits(labels, logits):
    """Mean loss when the model outputs logits (no softmax): ``from_logits=True``.

    The loss of one sample is ``-log_softmax(logits)[label]``, where
    ``log_softmax(z) = z - log(sum(exp(z)))``. Compute it in a way that does not
    overflow for logits like 1000: subtract each row's maximum first (it does
    not change the result). Return the batch mean as a Python float.
    """
    raise NotImplementedError("ch16.crossentropy: implement sparse_crossentropy_from_logits()")


def sparse_crossentropy_from_logits_grad(labels, logits):
    """Gradient of ``sparse_crossentropy_from_logits`` with respect to ``logits``.

    Shape ``(n, classes)``. For one sample it is ``softmax(logits) - one_hot(label)``;
    the batch mean divides every row by ``n``. Again stable for large logits.
    """
    raise NotImplementedError("ch16.crossentropy: implement sparse_crossentropy_from_logits_grad()")
