"""R2Score, the coefficient of determination: 1 - (residual sum of squares) / (total sum of
squares around the mean), per output column, from running sums so it works batch by batch."""
import warnings

import numpy as np

from .metric import Metric, to_array


class R2Score(Metric):
    """``class_aggregation``: "uniform_average" (mean over outputs), "variance_weighted_average"
    (weighted by each output's variance) or None (one score per output). ``num_regressors`` > 0
    gives the adjusted R2, which penalises the number of predictors."""

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of (None, "
                             "'uniform_average', 'variance_weighted_average'). "
                             f"Received: class_aggregation={class_aggregation!r}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = to_array(y_true, np.float64), to_array(y_pred, np.float64)
        if y_true.ndim == y_pred.ndim - 1:
            y_true = y_true[..., None]
        elif y_pred.ndim == y_true.ndim - 1:
            y_pred = y_pred[..., None]
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}.")
        weights = np.ones(()) if sample_weight is None else to_array(sample_weight, np.float64)
        if weights.ndim == 1:
            weights = weights[:, None]
        weights = np.broadcast_to(weights, y_true.shape)
        if self._sums is None:
            self._sums = np.zeros((4, y_true.shape[1]))
        sums = np.stack([np.sum(y_true * weights, axis=0), np.sum(y_true * y_true * weights, axis=0),
                         np.sum((y_true - y_pred) ** 2 * weights, axis=0), np.sum(weights, axis=0)])
        self._sums += sums
        self._num_samples += y_true.size

    def result(self):
        if self._sums is None:
            return 0.0
        total_sum, squared_sum, residual, count = self._sums
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = total_sum / count
            total = squared_sum - total_sum * mean
            raw = 1 - residual / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = float(np.mean(raw))
        elif self.class_aggregation == "variance_weighted_average":
            score = float(np.sum(total * raw) / np.sum(total))
        else:
            score = raw
        n, p = self._num_samples, self.num_regressors  # n counts every entry of y, as Keras does
        if p:
            if p > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. Falling back "
                              "to standard R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                              stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return score.astype(self.dtype) if isinstance(score, np.ndarray) else score

    def reset_state(self):
        self._sums = None  # rows: sum of y, sum of y**2, residual sum of squares, weight
        self._num_samples = 0

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
