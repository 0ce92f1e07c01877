"""Chapter 9: the losses of a model with several outputs, in NumPy.

Keras's loss *functions* return one value per sample: they reduce only the last axis.
Training then averages those values over the batch (and over any other axes left), and
a model with several outputs minimises the weighted sum of one such average per output.
"""
import numpy as np  # noqa: F401

EPSILON = 1e-7  # keras.backend.epsilon()


def mean_squared_error(y_true, y_pred):
    """``mean((y_pred - y_true)**2)`` over the last axis: shape (batch, ...) without it.
    For the sequence output of the chapter, (batch, 100, 1) gives (batch, 100)."""
    return np.mean(np.square(y_pred - y_true), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    """Per-sample categorical cross-entropy, as ``keras.losses.categorical_crossentropy``.

    ``y_true`` holds one-hot (or probability) targets, ``y_pred`` probabilities over the
    last axis (a softmax output). Keras first rescales ``y_pred`` so that it sums to 1
    over the last axis, then clips it to ``[EPSILON, 1 - EPSILON]``, then computes
    ``-sum(y_true * log(p))`` over the last axis. Return shape (batch, ...) without the
    last axis.
    """
    p = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
    p = np.clip(p, EPSILON, 1 - EPSILON)
    return -np.sum(y_true * np.log(p), axis=-1)


def total_loss(y_trues, y_preds, loss_fns, loss_weights=None):
    """The loss a multi-output model is trained on; return ``(total, per_output)``.

    ``y_trues`` and ``y_preds`` are lists with one array per output, ``loss_fns`` a list
    of per-sample loss functions (like the two above), ``loss_weights`` a list of floats
    (all 1.0 when None). For output i, its loss is the mean of
    ``loss_fns[i](y_trues[i], y_preds[i])`` over all its entries; ``per_output`` is the
    list of these floats, and ``total`` is their weighted sum. ``model.evaluate`` on one
    batch reports exactly ``[total] + per_output``.
    """
    if loss_weights is None:
        loss_weights = [1.0] * len(loss_fns)
    per_output = [float(np.mean(fn(t, p))) for fn, t, p in zip(loss_fns, y_trues, y_preds)]
    total = sum(w * loss for w, loss in zip(loss_weights, per_output))
    return total, per_output
