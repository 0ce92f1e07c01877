"""F-scores: the (weighted) harmonic mean of precision and recall, per class.

``F_beta = (1 + beta**2) * precision * recall / (beta**2 * precision + recall)``; beta > 1
weighs recall more. Predictions are (batch, classes) scores: without ``threshold`` the
top-scoring class of each row counts as predicted (one-hot), with it every score above it.
``average``: None gives one score per class; "micro" pools the counts of all classes first;
"macro" averages the per-class scores; "weighted" averages them weighted by class support.
"""
import numpy as np

from .. import backend
from .metric import Metric, to_array


class FBetaScore(Metric):
    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average!r}")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"Invalid `beta` argument value. It should be a number > 0. Received: beta={beta!r}")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                      or not 0 < threshold <= 1):
            raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                             f"Received: threshold={threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = to_array(y_true, np.float64), to_array(y_pred, np.float64)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError(f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                             f"Received input shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}.")
        if self.threshold is None:
            # the top class of each row; a row of zeros predicts nothing
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        weights = 1.0 if sample_weight is None else to_array(sample_weight, np.float64).reshape(-1, 1)
        axis = None if self.average == "micro" else 0
        counts = (predicted * y_true, predicted * (1 - y_true), (1 - predicted) * y_true, y_true)
        if self._counts is None:
            self._counts = [np.zeros(() if axis is None else y_pred.shape[-1]) for _ in counts]
        elif axis == 0 and self._counts[0].shape != (y_pred.shape[-1],):
            raise ValueError(f"{type(self).__name__}: y_pred has {y_pred.shape[-1]} classes, earlier batches had "
                             f"{self._counts[0].shape[0]}.")
        for total, values in zip(self._counts, counts):
            total += np.sum(values * weights, axis=axis)

    def result(self):
        if self._counts is None:
            return 0.0
        tp, fp, fn, support = self._counts
        eps = backend.epsilon()
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = self.beta ** 2
        score = (1 + b2) * precision * recall / (b2 * precision + recall + eps)
        if self.average == "weighted":
            return float(np.sum(score * support / (np.sum(support) + eps)))
        if self.average is not None:
            return float(np.mean(score))
        return score.astype(self.dtype)

    def reset_state(self):
        self._counts = None  # (true positives, false positives, false negatives, support)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
