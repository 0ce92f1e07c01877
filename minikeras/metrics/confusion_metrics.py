"""Precision, Recall, AUC, the raw counts (TruePositives, ...), and the best value of one rate
while another is held above a floor (PrecisionAtRecall, SensitivityAtSpecificity, ...), from
confusion counts.

A prediction counts as positive at threshold t when ``y_pred > t``; a label is positive
when it is non-zero. Counts are accumulated (weighted) per threshold, as in Keras 3's
``update_confusion_matrix_variables``.
"""
import numpy as np

from .. import backend
from .metric import Metric, to_array


def _confusion_counts(y_true, y_pred, thresholds, sample_weight=None, top_k=None, class_id=None):
    """Weighted (tp, fp, tn, fn), each of shape (len(thresholds),), for this batch."""
    y_true = to_array(y_true, np.float64)
    y_pred = to_array(y_pred, np.float64)
    if y_true.shape != y_pred.shape:
        if y_true.size != y_pred.size:
            raise ValueError(f"y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} do not "
                             "have the same number of values.")
        y_true = y_true.reshape(y_pred.shape)
    weights = np.ones_like(y_pred) if sample_weight is None else np.broadcast_to(
        _expand_right(to_array(sample_weight, np.float64), y_pred.ndim), y_pred.shape)
    if top_k is not None:
        # keep the k largest per row (ties to the lower index, as top_k does), drop the rest
        keep = np.argsort(-y_pred, axis=-1, kind="stable")[..., :top_k]
        kept = np.full_like(y_pred, -np.inf)
        np.put_along_axis(kept, keep, np.take_along_axis(y_pred, keep, axis=-1), axis=-1)
        y_pred = kept
    if class_id is not None:
        y_true, y_pred, weights = y_true[..., class_id], y_pred[..., class_id], weights[..., class_id]
    positive = y_true.ravel() != 0
    pred = y_pred.ravel()
    w = weights.ravel()
    # below[j] = how many thresholds lie strictly below each prediction -> positive at 0..below-1
    below = np.searchsorted(thresholds, pred, side="left")
    n = len(thresholds)
    pos_at = np.bincount(below, weights=w * positive, minlength=n + 1)
    neg_at = np.bincount(below, weights=w * ~positive, minlength=n + 1)
    tp = np.cumsum(pos_at[::-1])[::-1][1:]   # predictions with below > j
    fp = np.cumsum(neg_at[::-1])[::-1][1:]
    fn = pos_at.sum() - tp
    tn = neg_at.sum() - fp
    return tp, fp, tn, fn


def _expand_right(sw, ndim):
    return sw.reshape(sw.shape + (1,) * (ndim - sw.ndim)) if sw.ndim < ndim else sw


def _divide_no_nan(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1, b))


class _ThresholdMetric(Metric):
    _direction = "up"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = -np.inf if top_k is not None else 0.5  # with top_k, every top-k entry counts
        self._single = thresholds is None or np.ndim(thresholds) == 0
        values = [default if thresholds is None else thresholds] if self._single else list(thresholds)
        self.thresholds = np.asarray(values, dtype=np.float64)
        order = np.argsort(self.thresholds, kind="stable")
        self._order, self._sorted = order, self.thresholds[order]
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = _confusion_counts(y_true, y_pred, self._sorted, sample_weight, self.top_k, self.class_id)
        unsort = np.argsort(self._order)
        for name, value in zip(("true_positives", "false_positives", "true_negatives", "false_negatives"),
                               counts):
            setattr(self, name, getattr(self, name) + value[unsort])

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.true_negatives, self.false_negatives = np.zeros(n), np.zeros(n)

    def _finish(self, values):
        return float(values[0]) if self._single else values

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ThresholdMetric):
    """Of the predictions called positive, the fraction that were positive: tp / (tp + fp)."""

    def result(self):
        return self._finish(_divide_no_nan(self.true_positives, self.true_positives + self.false_positives))


class Recall(_ThresholdMetric):
    """Of the positive labels, the fraction predicted positive: tp / (tp + fn)."""

    def result(self):
        return self._finish(_divide_no_nan(self.true_positives, self.true_positives + self.false_negatives))


class AUC(Metric):
    """Area under the ROC (default) or precision-recall curve, from ``num_thresholds``
    evenly spaced thresholds (Keras's Riemann-sum approximation)."""
    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        super().__init__(name=name, dtype=dtype)
        curve, summation_method = str(curve).upper(), str(summation_method).lower()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid `curve` argument value "{curve}". Expected one of: ["ROC", "PR"]')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid `summation_method` argument value "{summation_method}". Expected '
                             'one of: ["interpolation", "minoring", "majoring"]')
        if multi_label or num_labels is not None or label_weights is not None:
            raise ValueError("AUC: minikeras does not implement multi_label / num_labels / label_weights.")
        if thresholds is not None:
            inner = sorted(thresholds)
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(inner) + [1.0 + eps])
        self._init_thresholds = thresholds
        self.curve, self.summation_method, self._from_logits = curve, summation_method, from_logits
        self.multi_label = False
        self.reset_state()

    @property
    def thresholds(self):
        return list(self._thresholds)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_array(y_pred, np.float64)
        if self._from_logits:
            y_pred = 1 / (1 + np.exp(-y_pred))
        tp, fp, tn, fn = _confusion_counts(y_true, y_pred, self._thresholds, sample_weight)
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def reset_state(self):
        n = self.num_thresholds
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.true_negatives, self.false_negatives = np.zeros(n), np.zeros(n)

    def _interpolate_pr_auc(self):
        """Davis & Goadrich (2006) interpolation of precision between thresholds, as Keras does."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        slope = _divide_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(np.where(ratio > 0, ratio, 1.0))
        return float(np.sum(_divide_no_nan(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))))

    def result(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, _divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "thresholds": self._init_thresholds,
                "from_logits": self._from_logits}


class _ConditionCount(_ThresholdMetric):
    """The weighted count of one cell of the confusion matrix, per threshold (Keras 3's
    TruePositives, FalsePositives, TrueNegatives, FalseNegatives)."""

    _direction = None
    _cell = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def result(self):
        return self._finish(getattr(self, self._cell))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    _cell = "true_positives"


class FalsePositives(_ConditionCount):
    _cell = "false_positives"


class TrueNegatives(_ConditionCount):
    _cell = "true_negatives"


class FalseNegatives(_ConditionCount):
    _cell = "false_negatives"


class _SensitivitySpecificityBase(Metric):
    """Confusion counts at ``num_thresholds`` thresholds evenly spread over [0, 1] (one, 0.5,
    when ``num_thresholds`` is 1); the result is the largest value of one rate over the
    thresholds where another rate reaches ``value`` (0 where none does)."""

    _direction = "up"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value, self.class_id, self.num_thresholds = value, class_id, num_thresholds
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [0.0] + [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
        self._sorted = np.asarray(self.thresholds, dtype=np.float64)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.class_id is not None and to_array(y_pred).ndim < 2:
            raise ValueError(f"{type(self).__name__}: with class_id, y_pred must be (num_samples, num_classes); "
                             f"received shape {to_array(y_pred).shape}.")
        tp, fp, tn, fn = _confusion_counts(y_true, y_pred, self._sorted, sample_weight, class_id=self.class_id)
        self.true_positives += tp
        self.false_positives += fp
        self.true_negatives += tn
        self.false_negatives += fn

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(n), np.zeros(n)
        self.true_negatives, self.false_negatives = np.zeros(n), np.zeros(n)

    def _rates(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        return {"recall": _divide_no_nan(tp, tp + fn), "precision": _divide_no_nan(tp, tp + fp),
                "specificity": _divide_no_nan(tn, tn + fp)}

    def _best(self, dependent, constrained):
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return float(np.float32(np.max(np.where(feasible, rates[dependent], 0.0), initial=0.0)))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id, "num_thresholds": self.num_thresholds}


def _check_rate(value, name):
    if not 0 <= value <= 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")
    return value


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """The best sensitivity (recall, tp / (tp + fn)) where specificity (tn / (tn + fp)) >= ``specificity``."""

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.specificity = _check_rate(specificity, "specificity")
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("recall", "specificity")

    def get_config(self):
        return {**super().get_config(), "specificity": self.specificity}


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """The best specificity where sensitivity (recall) >= ``sensitivity``."""

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.sensitivity = _check_rate(sensitivity, "sensitivity")
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("specificity", "recall")

    def get_config(self):
        return {**super().get_config(), "sensitivity": self.sensitivity}


class PrecisionAtRecall(_SensitivitySpecificityBase):
    """The best precision where recall >= ``recall``."""

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.recall = _check_rate(recall, "recall")
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("precision", "recall")

    def get_config(self):
        return {**super().get_config(), "recall": self.recall}


class RecallAtPrecision(_SensitivitySpecificityBase):
    """The best recall where precision >= ``precision``."""

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        self.precision = _check_rate(precision, "precision")
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        return self._best("recall", "precision")

    def get_config(self):
        return {**super().get_config(), "precision": self.precision}
