"""Correlation between labels and predictions along ``axis``, one value per sample, averaged
over samples by ``PearsonCorrelation`` / ``ConcordanceCorrelation`` (weighted by
``sample_weight``).

- Pearson's r: the mean product of the two series, each centred and divided by its standard
  deviation. It measures how linearly related they are, whatever their scale.
- Lin's concordance: ``2 cov / (var_true + var_pred + (mean_true - mean_pred)**2)``, which also
  asks the two series to agree in scale and offset. As Keras 3.15 computes it, the covariance
  term centres *both* series on the prediction's mean, ``(y_true - mean_pred)(y_pred - mean_pred)``;
  minikeras follows Keras's numbers.
"""
import numpy as np

from .. import backend
from .metric import MeanMetricWrapper, to_array


def _pair(y_true, y_pred):
    y_pred = to_array(y_pred)
    y_pred = y_pred.astype(np.float32) if y_pred.dtype.kind != "f" else y_pred
    y_true = to_array(y_true).astype(y_pred.dtype)
    # Keras squeezes a trailing axis of 1 so (n, 1) labels meet (n,) predictions
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    elif y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        y_pred = y_pred[..., 0]
    return y_true, y_pred


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient of ``y_true`` and ``y_pred`` along ``axis``."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - y_true.mean(axis=axis, keepdims=True)
    p = y_pred - y_pred.mean(axis=axis, keepdims=True)
    t = t / t.std(axis=axis, keepdims=True)
    p = p / p.std(axis=axis, keepdims=True)
    return (t * p).mean(axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis`` (Keras's form, see the module)."""
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = y_true.mean(axis=axis, keepdims=True)
    pred_mean = y_pred.mean(axis=axis, keepdims=True)
    true_var = (y_true - true_mean).var(axis=axis, keepdims=True)
    pred_var = (y_pred - pred_mean).var(axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + np.square(true_mean - pred_mean)
    return (2 * covariance / (norm + backend.epsilon())).mean(axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean of ``pearson_correlation`` over the samples seen."""

    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean of ``concordance_correlation`` over the samples seen."""

    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
