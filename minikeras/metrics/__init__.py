"""Metrics: ``compile(metrics=['accuracy', 'mse', keras.metrics.AUC()])``.

Functions give one value per sample; classes are stateful running results with
``update_state`` / ``result`` / ``reset_state``.
"""
from .. import backend
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                               SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy,
                               binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
                               sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives,
                                TruePositives)
from .confusion_metrics import (PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
                                SpecificityAtSensitivity)
from .correlation_metrics import (ConcordanceCorrelation, PearsonCorrelation, concordance_correlation,
                                  pearson_correlation)
from .f_score_metrics import F1Score, FBetaScore
from .iou_metrics import IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .loss_metrics import (BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity,
                           Hinge, KLDivergence, LogCoshError, MeanAbsoluteError,
                           MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError,
                           Poisson, RootMeanSquaredError, SparseCategoricalCrossentropy, SquaredHinge,
                           binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                           categorical_focal_crossentropy, categorical_hinge, cosine_similarity, hinge,
                           huber, kl_divergence, log_cosh, mean_absolute_error,
                           mean_absolute_percentage_error, mean_squared_error,
                           mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                           squared_hinge)
from .metric import Mean, MeanMetricWrapper, Metric, Sum
from .regression_metrics import R2Score
from ..common.object_config import object_config, object_from_config

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error, log_cosh,
    poisson, kl_divergence, hinge, squared_hinge, categorical_hinge, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy, cosine_similarity, huber, binary_focal_crossentropy,
    categorical_focal_crossentropy, pearson_correlation, concordance_correlation)}
_FUNCTIONS.update({"mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
                   "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld, "logcosh": log_cosh,
                   "kullback_leibler_divergence": kld, "acc": accuracy})
_CLASSES = {cls.__name__: cls for cls in (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, AUC, Precision, Recall, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError, Poisson,
    KLDivergence, Hinge, SquaredHinge, CategoricalHinge, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, CosineSimilarity, Mean, Sum, TruePositives, FalsePositives, TrueNegatives,
    FalseNegatives, FBetaScore, F1Score, R2Score, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, PearsonCorrelation, ConcordanceCorrelation, IoU, BinaryIoU, MeanIoU, OneHotIoU,
    OneHotMeanIoU)}
_CLASSES.update({backend.to_snake_case(name): cls for name, cls in list(_CLASSES.items())
                 if backend.to_snake_case(name) not in _FUNCTIONS})
_CLASSES["auc"] = AUC


def get(identifier):
    """A metric from a name ('mae', 'AUC', 'auc', 'binary_accuracy'), a config dict, a
    Metric (returned as is) or a function ``fn(y_true, y_pred)``."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Known metrics: "
                         f"{sorted(set(_FUNCTIONS) | set(_CLASSES))}.")
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}.")


def serialize(metric):
    if isinstance(metric, Metric):
        return object_config(metric, "keras.metrics")
    return getattr(metric, "__name__", str(metric))


def deserialize(config, custom_objects=None):
    if isinstance(config, str):
        return get(config)
    return object_from_config(config, _CLASSES, "metric", custom_objects)
