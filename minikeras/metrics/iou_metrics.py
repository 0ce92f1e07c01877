"""Intersection over union (IoU), the segmentation metric: for class c,
``tp_c / (tp_c + fp_c + fn_c)`` from a confusion matrix accumulated over batches.

``IoU`` averages it over ``target_class_ids``; ``MeanIoU`` over all classes; ``BinaryIoU``
thresholds a probability into classes 0 and 1 first; the ``OneHot`` variants take one-hot (or
probability) labels and predictions and use their argmax. Classes absent from both labels and
predictions (an empty row and column) are left out of the average.

As in Keras 3, the confusion matrix has the metric's ``dtype``, ``int32`` unless given: with
the default, fractional sample weights are truncated to integers (pass ``dtype="float32"`` to
weight by fractions), and labels or predictions outside [0, num_classes), or equal to
``ignore_class``, count for nothing.
"""
import numpy as np

from .. import backend
from .metric import Metric, to_array


class _IoUBase(Metric):
    _direction = "up"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int32")
        if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"{type(self).__name__}: `num_classes` must be a positive integer, "
                             f"received num_classes={num_classes!r}.")
        self.num_classes, self.ignore_class = int(num_classes), ignore_class
        self.sparse_y_true, self.sparse_y_pred, self.axis = sparse_y_true, sparse_y_pred, axis
        self.reset_state()

    def reset_state(self):
        self.total_cm = np.zeros((self.num_classes, self.num_classes), dtype=self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        # 1. class ids: the argmax of one-hot inputs, then everything flat, in the metric's dtype
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(self.dtype).ravel()
        y_pred = y_pred.astype(self.dtype).ravel()
        if y_true.shape != y_pred.shape:
            raise ValueError(f"{type(self).__name__}: y_true and y_pred hold {y_true.size} and {y_pred.size} class "
                             "ids; they must hold the same number.")
        weights = np.ones_like(y_true) if sample_weight is None else \
            np.broadcast_to(to_array(sample_weight).astype(self.dtype).ravel(), y_true.shape)
        # 2. only ids inside [0, num_classes) and not ignored count
        inside = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            inside &= y_true != self.ignore_class
        # 3. the weighted confusion matrix: rows are labels, columns predictions
        np.add.at(self.total_cm, (y_true[inside].astype(np.int64), y_pred[inside].astype(np.int64)),
                  weights[inside])

    def _iou_of(self, class_ids):
        cm = self.total_cm.astype(np.float64)
        tp = np.diag(cm)
        denominator = (cm.sum(axis=0) + cm.sum(axis=1) - tp)[class_ids].astype(np.float32)
        tp = tp[class_ids].astype(np.float32)
        valid = denominator > 1e-9
        iou = np.where(valid, tp / (denominator + backend.epsilon()), 0.0)
        return float(np.float32(iou.sum() / (valid.sum() + backend.epsilon())))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class IoU(_IoUBase):
    """The mean IoU over ``target_class_ids``."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        target_class_ids = list(target_class_ids)
        if not target_class_ids or max(target_class_ids) >= num_classes or min(target_class_ids) < 0:
            raise ValueError(f"{type(self).__name__}: target class ids {target_class_ids} must lie in "
                             f"[0, {num_classes}).")
        self.target_class_ids = target_class_ids

    def result(self):
        return self._iou_of(self.target_class_ids)

    def get_config(self):
        return {**super().get_config(), "target_class_ids": self.target_class_ids}


class BinaryIoU(IoU):
    """IoU of classes 0 and 1 (or one of them) after ``y_pred >= threshold`` makes class 1."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        above = to_array(y_pred).astype(np.float32) >= self.threshold
        super().update_state(to_array(y_true).astype(self.dtype), above.astype(self.dtype), sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    """The mean IoU over all ``num_classes`` classes."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
                 axis=-1):
        super().__init__(num_classes, list(range(num_classes)) if isinstance(num_classes, (int, np.integer)) else [],
                         name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        config.pop("target_class_ids")
        return config


class OneHotIoU(IoU):
    """IoU over ``target_class_ids`` for one-hot labels (and, by default, probability predictions)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        config.pop("sparse_y_true")
        return config


class OneHotMeanIoU(MeanIoU):
    """The mean IoU over all classes for one-hot labels (and, by default, probability predictions)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        config.pop("sparse_y_true")
        return config
