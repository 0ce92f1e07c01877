"""The arithmetic of each built-in loss, on numpy arrays, with its hand-written gradient.

Each ``*_values(y_true, y_pred, ...)`` returns ``(values, backward)``: ``values`` has one
entry per sample (the last axis reduced, as Keras's loss functions do) and
``backward(g)`` maps the gradient of ``values`` to ``(grad_y_true, grad_y_pred)``;
``grad_y_true`` is None where this module does not provide it. ``losses.py`` wraps them
as single tape operations: a loss adds one record to the tape instead of ten.

Numerical safety follows Keras 3 with the torch backend: probabilities are clipped to
``[epsilon, 1 - epsilon]`` before the log (the clipped entries get no gradient, as with
``clip``), logits go through a stable log-sigmoid / log-softmax.
"""
import numpy as np

from .. import backend
from .. import kernels as array_kernels  # the compiled kernels (this module is the losses' own "kernels")

LOG2 = np.log(2.0)


def _n(x):
    return x.dtype.type(x.shape[-1])


def _last(g):
    return g[..., None]


def _mean_last(x):
    """Mean over the last axis; ndarray.sum is cheaper than np.mean on the small arrays of a step."""
    return x.sum(axis=-1) / x.dtype.type(x.shape[-1])


# ----------------------------------------------------------------------------- regression

def mean_squared_error_values(y_true, y_pred):
    if (y_pred.size >= KERNEL_MIN_SIZE and y_true.shape == y_pred.shape and y_pred.dtype in _KERNEL_DTYPES
            and y_true.dtype == y_pred.dtype):
        # a large output: one kernel pass each way (kernels/losses.py says why and from what size)
        n = y_pred.shape[-1]
        values, diff = array_kernels.selected.mean_squared_error_forward(y_true.reshape(-1, n),
                                                                         y_pred.reshape(-1, n))

        def backward(g):
            # g: a scalar, or anything that broadcasts to the values (sample weights (batch, 1, 1))
            g_rows = g if np.ndim(g) == 0 else np.broadcast_to(g, y_pred.shape[:-1]).reshape(-1)
            g_true, g_pred = array_kernels.selected.mean_squared_error_backward(diff, g_rows)
            return g_true.reshape(y_true.shape), g_pred.reshape(y_pred.shape)
        return values.reshape(y_pred.shape[:-1]), backward
    d = y_pred - y_true  # shapes that broadcast, other dtypes
    values = _mean_last(d * d)

    def backward(g):
        gp = _last(g) * (2 / _n(d)) * d
        return -gp, gp
    return values, backward


_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
KERNEL_MIN_SIZE = 65536


def mean_absolute_error_values(y_true, y_pred):
    d = y_pred - y_true
    values = _mean_last(np.abs(d))

    def backward(g):
        gp = _last(g) / _n(d) * np.sign(d)
        return -gp, gp
    return values, backward


def mean_absolute_percentage_error_values(y_true, y_pred):
    eps = y_pred.dtype.type(backend.epsilon())
    scale = np.maximum(np.abs(y_true), eps)
    d = y_pred - y_true
    values = 100 * _mean_last(np.abs(d) / scale)
    return values, lambda g: (None, _last(g) * (100 / _n(d)) * np.sign(d) / scale)


def mean_squared_logarithmic_error_values(y_true, y_pred):
    eps = y_pred.dtype.type(backend.epsilon())
    first = np.log(np.maximum(y_pred, eps) + 1)
    second = np.log(np.maximum(y_true, eps) + 1)
    d = first - second
    values = _mean_last(d * d)

    def backward(g):
        gd = _last(g) * (2 / _n(d)) * d
        return (-gd * (y_true >= eps) / (np.maximum(y_true, eps) + 1),
                gd * (y_pred >= eps) / (np.maximum(y_pred, eps) + 1))
    return values, backward


def huber_values(y_true, y_pred, delta=1.0):
    delta = y_pred.dtype.type(delta)
    error = y_pred - y_true
    abs_error = np.abs(error)
    quadratic = abs_error <= delta
    values = _mean_last(np.where(quadratic, 0.5 * error * error, delta * abs_error - 0.5 * delta * delta))

    def backward(g):
        gp = _last(g) / _n(error) * np.where(quadratic, error, delta * np.sign(error))
        return -gp, gp
    return values, backward


def log_cosh_values(y_true, y_pred):
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2), stable for large |x|
    values = _mean_last(x + np.logaddexp(0, -2 * x) - x.dtype.type(LOG2))

    def backward(g):
        gp = _last(g) / _n(x) * np.tanh(x)
        return -gp, gp
    return values, backward


def poisson_values(y_true, y_pred):
    eps = y_pred.dtype.type(backend.epsilon())
    values = _mean_last(y_pred - y_true * np.log(y_pred + eps))
    return values, lambda g: (-_last(g) / _n(y_pred) * np.log(y_pred + eps),
                              _last(g) / _n(y_pred) * (1 - y_true / (y_pred + eps)))


def cosine_similarity_values(y_true, y_pred, axis=-1):
    eps = y_pred.dtype.type(backend.epsilon())

    def normalize(x):
        inv_norm = np.minimum(1 / np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), 1 / eps)
        return x * inv_norm, inv_norm

    with np.errstate(divide="ignore"):
        t, inv_t = normalize(y_true)
        p, inv_p = normalize(y_pred)
    values = -np.sum(t * p, axis=axis)

    def grad_of_normalized(g_unit, unit, inv_norm):
        # d(x / |x|) projects out the radial part; where the norm was clamped it is x * (1/eps)
        clamped = inv_norm >= 1 / eps
        radial = np.sum(g_unit * unit, axis=axis, keepdims=True)
        return np.where(clamped, g_unit * inv_norm, (g_unit - radial * unit) * inv_norm)

    def backward(g):
        g = np.expand_dims(g, axis)
        return grad_of_normalized(-g * p, t, inv_t), grad_of_normalized(-g * t, p, inv_p)
    return values, backward


# ----------------------------------------------------------------------------- hinge

def _hinge_labels(y_true):
    """Keras turns {0, 1} labels into {-1, 1} for the hinge losses."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2 * y_true - 1
    return y_true


def hinge_values(y_true, y_pred):
    t = _hinge_labels(y_true)
    margin = 1 - t * y_pred
    values = _mean_last(np.maximum(margin, 0))
    return values, lambda g: (None, _last(g) / _n(y_pred) * -t * (margin > 0))


def squared_hinge_values(y_true, y_pred):
    t = _hinge_labels(y_true)
    margin = np.maximum(1 - t * y_pred, 0)
    values = _mean_last(margin * margin)
    return values, lambda g: (None, _last(g) / _n(y_pred) * -2 * t * margin)


def categorical_hinge_values(y_true, y_pred):
    pos = np.sum(y_true * y_pred, axis=-1)
    negatives = (1 - y_true) * y_pred
    neg = np.max(negatives, axis=-1)
    values = np.maximum(neg - pos + 1, 0)

    def backward(g):
        active = _last(g * (values > 0))
        winner = negatives == neg[..., None]
        winner = winner / winner.sum(axis=-1, keepdims=True)
        return None, active * (winner * (1 - y_true) - y_true)
    return values, backward


# ----------------------------------------------------------------------------- probabilistic

def kl_divergence_values(y_true, y_pred):
    eps = y_pred.dtype.type(backend.epsilon())
    t = np.clip(y_true, eps, 1)
    p = np.clip(y_pred, eps, 1)
    log_ratio = np.log(t / p)
    values = np.sum(t * log_ratio, axis=-1)

    def backward(g):
        g = _last(g)
        return (g * (log_ratio + 1) * ((y_true >= eps) & (y_true <= 1)),
                g * (-t / p) * ((y_pred >= eps) & (y_pred <= 1)))
    return values, backward


def binary_crossentropy_values(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + 0.5 * label_smoothing
    n = _n(y_pred)
    if from_logits:
        # max(x, 0) - x * z + log(1 + exp(-|x|)): never overflows
        x = y_pred
        values = _mean_last(np.maximum(x, 0) - x * y_true + np.log1p(np.exp(-np.abs(x))))

        def backward(g):
            sig = 0.5 * (1 + np.tanh(0.5 * x))  # sigmoid without overflow
            return -_last(g) / n * x * (1 - label_smoothing), _last(g) / n * (sig - y_true)
        return values, backward
    eps = y_pred.dtype.type(backend.epsilon())
    p = np.clip(y_pred, eps, 1 - eps)
    log_p, log_q = np.log(p), np.log(1 - p)
    values = -_mean_last(y_true * log_p + (1 - y_true) * log_q)

    def backward(g):
        inside = (y_pred >= eps) & (y_pred <= 1 - eps)
        gp = _last(g) / n * (p - y_true) / (p * (1 - p)) * inside
        return _last(g) / n * (log_q - log_p) * (1 - label_smoothing), gp
    return values, backward


def _log_softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def categorical_crossentropy_values(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    if y_true.shape != y_pred.shape:
        raise ValueError("Arguments `target` and `output` must have the same shape. Received: "
                         f"target.shape={y_true.shape}, output.shape={y_pred.shape}")
    moved = axis not in (-1, y_pred.ndim - 1)
    if moved:
        y_true, y_pred = np.moveaxis(y_true, axis, -1), np.moveaxis(y_pred, axis, -1)
    if label_smoothing:
        y_true = y_true * (1 - label_smoothing) + label_smoothing / _n(y_pred)
    if from_logits:
        log_p = _log_softmax(y_pred)
        values = -np.sum(y_true * log_p, axis=-1)

        def grads(g):
            g = _last(g)
            return -g * log_p * (1 - label_smoothing), \
                g * (np.exp(log_p) * np.sum(y_true, axis=-1, keepdims=True) - y_true)
    else:
        eps = y_pred.dtype.type(backend.epsilon())
        total = np.sum(y_pred, axis=-1, keepdims=True)
        o = y_pred / total
        oc = np.clip(o, eps, 1 - eps)
        log_p = np.log(oc)
        values = -np.sum(y_true * log_p, axis=-1)

        def grads(g):
            g = _last(g)
            g_o = -g * y_true / oc * ((o >= eps) & (o <= 1 - eps))
            # through o = y_pred / sum(y_pred)
            g_pred = (g_o - np.sum(g_o * o, axis=-1, keepdims=True)) / total
            return -g * log_p * (1 - label_smoothing), g_pred

    def backward(g):
        g_true, g_pred = grads(g)
        if moved:
            g_true, g_pred = np.moveaxis(g_true, -1, axis), np.moveaxis(g_pred, -1, axis)
        return g_true, g_pred
    return values, backward


def check_sparse_labels(labels, num_classes, where="sparse_categorical_crossentropy"):
    """Integer class ids in [0, num_classes), or a clear error (floats must be whole numbers)."""
    if labels.dtype.kind not in "biuf":
        raise TypeError(f"{where}: labels must be integer class ids, received dtype {labels.dtype}.")
    if labels.size == 0:
        return
    if labels.dtype.kind == "f" and not np.all(np.floor(labels) == labels):
        bad = labels[np.floor(labels) != labels].ravel()[0]
        raise ValueError(f"{where}: labels must be integer class ids, received the value {bad}. "
                         "For one-hot or probability targets use categorical_crossentropy.")
    low, high = labels.min(), labels.max()
    if low < 0 or high >= num_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"{where}: received label value {bad:g} which is outside the valid range of [0, "
            f"{num_classes}). The model's output has {num_classes} classes, so labels must be "
            f"0..{num_classes - 1}.")


def sparse_categorical_crossentropy_values(y_true, y_pred, from_logits=False, axis=-1):
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    moved = axis not in (-1, y_pred.ndim - 1)
    if moved:
        y_pred = np.moveaxis(y_pred, axis, -1)
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError("Arguments `target` and `output` must have the same shape up until the last "
                         f"dimension: target.shape={y_true.shape}, output.shape={y_pred.shape}")
    check_sparse_labels(y_true, y_pred.shape[-1])
    labels = y_true.astype(np.intp)[..., None]
    if from_logits:
        log_p = _log_softmax(y_pred)
        values = -np.take_along_axis(log_p, labels, axis=-1)[..., 0]

        def grad_pred(g):
            grad = np.exp(log_p)
            np.put_along_axis(grad, labels, np.take_along_axis(grad, labels, axis=-1) - 1, axis=-1)
            return _last(g) * grad
    else:
        eps = y_pred.dtype.type(backend.epsilon())
        total = np.sum(y_pred, axis=-1, keepdims=True)
        o = y_pred / total
        o_label = np.take_along_axis(o, labels, axis=-1)
        oc = np.clip(o_label, eps, 1 - eps)
        values = -np.log(oc)[..., 0]

        def grad_pred(g):
            g_label = -_last(g) / oc * ((o_label >= eps) & (o_label <= 1 - eps))
            # through o = y_pred / sum(y_pred): only the label entry of g_o is non-zero
            grad = -g_label * o_label / total * np.ones_like(y_pred)
            np.put_along_axis(grad, labels, np.take_along_axis(grad, labels, axis=-1) + g_label / total,
                              axis=-1)
            return grad
    def backward(g):
        grad = grad_pred(g)
        return None, (np.moveaxis(grad, -1, axis) if moved else grad)
    return values, backward
