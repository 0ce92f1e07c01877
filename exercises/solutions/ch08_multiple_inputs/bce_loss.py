"""Chapter 8: binary cross-entropy, the loss of the ticket classifier's priority output,
and its gradient, in NumPy."""
import numpy as np  # noqa: F401

EPSILON = 1e-7  # keras.backend.epsilon()


def binary_crossentropy(y_true, y_pred):
    """Per-sample binary cross-entropy, as ``keras.losses.binary_crossentropy`` computes it.

    ``y_true`` holds targets between 0 and 1, ``y_pred`` probabilities (sigmoid outputs),
    both of shape (batch, ..., k). First clip ``y_pred`` to ``[EPSILON, 1 - EPSILON]``
    (so that the logarithms stay finite), then average over the last axis::

        loss = -mean_k( y_true * log(p) + (1 - y_true) * log(1 - p) )

    Return an array of shape (batch, ...) (the last axis removed), in ``y_pred``'s dtype.
    """
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    values = -np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p), axis=-1)
    return values.astype(y_pred.dtype)


def binary_crossentropy_grad(y_true, y_pred):
    """Gradient of the training loss ``mean(binary_crossentropy(y_true, y_pred))`` (the mean
    over all samples, which is what ``fit`` minimises) with respect to ``y_pred``.

    Return an array shaped like ``y_pred``. With ``p`` the clipped prediction and ``N`` the
    number of values that the final mean averages (all of them: ``y_pred.size``),

        d loss / d y_pred = (p - y_true) / (p * (1 - p)) / N

    where ``y_pred`` lies inside ``[EPSILON, 1 - EPSILON]``, and 0 where the clipping
    changed it (a clipped value does not depend on ``y_pred``).
    """
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    inside = (y_pred >= EPSILON) & (y_pred <= 1 - EPSILON)
    grad = (p - y_true) / (p * (1 - p)) / y_pred.size * inside
    return grad.astype(y_pred.dtype)
