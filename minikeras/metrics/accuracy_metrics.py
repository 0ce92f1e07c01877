"""Accuracy metrics: per-sample functions (1.0 = right) and the running means built on them.

Shapes follow Keras 3: labels of shape (n,) and (n, 1) are both accepted against
predictions of shape (n, 1) or (n, classes).
"""
import numpy as np

from ..losses.losses import same_rank
from .metric import MeanMetricWrapper, to_array


def accuracy(y_true, y_pred):
    """1.0 where y_pred equals y_true exactly (mean over the last axis)."""
    y_true, y_pred = same_rank(to_array(y_true), to_array(y_pred))
    return np.mean(y_true == y_pred, axis=-1, dtype=np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) matches the 0/1 label (mean over the last axis)."""
    y_true, y_pred = same_rank(to_array(y_true), to_array(y_pred))
    return np.mean(y_true == (y_pred > threshold), axis=-1, dtype=np.float32)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the largest prediction is at the one-hot label's position."""
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _sparse_labels(y_true, y_pred):
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the largest prediction is at the integer label."""
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    return (_sparse_labels(y_true, y_pred) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _in_top_k(labels, y_pred, k):
    if k >= y_pred.shape[-1]:
        return np.ones(labels.shape, dtype=np.float32)
    kth = np.partition(y_pred, -k, axis=-1)[..., -k]
    target = np.take_along_axis(y_pred, labels.astype(np.intp)[..., None], axis=-1)[..., 0]
    return (target >= kth).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label is among the k largest predictions."""
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the k largest predictions."""
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    return _in_top_k(_sparse_labels(y_true, y_pred), y_pred, k)


class Accuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
