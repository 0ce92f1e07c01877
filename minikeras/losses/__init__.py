"""Losses, as functions (per-sample values) and classes (reduced to a scalar).

``compile(loss='mse')``, ``loss=keras.losses.mean_squared_error`` and
``loss=keras.losses.MeanSquaredError()`` all work; ``get`` turns a name into the object.
"""
from .losses import (REDUCTIONS, BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge,
                     CosineSimilarity, Hinge, Huber, KLDivergence, LogCosh, Loss, LossFunctionWrapper,
                     MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
                     MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge,
                     binary_crossentropy, categorical_crossentropy, categorical_hinge, cosine_similarity,
                     hinge, huber, kind_of, kl_divergence, log_cosh, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
                     poisson, sparse_categorical_crossentropy, squared_hinge)
from .imbalance_losses import (BinaryFocalCrossentropy, CategoricalFocalCrossentropy, Dice, Tversky,
                               binary_focal_crossentropy, categorical_focal_crossentropy, dice, tversky)
from ..common.object_config import object_config, object_from_config

# Short names Keras accepts (Keras 2's and Keras 3's legacy aliases).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber

_FUNCTIONS = {fn.__name__: fn for fn in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, huber, log_cosh, poisson, cosine_similarity, hinge, squared_hinge,
    categorical_hinge, kl_divergence, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, binary_focal_crossentropy, categorical_focal_crossentropy, dice, tversky)}
_FUNCTIONS.update({"mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
                   "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld,
                   "kullback_leibler_divergence": kld, "logcosh": log_cosh, "huber_loss": huber})
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    Huber, LogCosh, Poisson, CosineSimilarity, Hinge, SquaredHinge, CategoricalHinge, KLDivergence,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy, Dice, Tversky)}


def get(identifier):
    """A loss from a name ('mse', 'binary_crossentropy', 'BinaryCrossentropy'), a config dict,
    or a callable (returned as is)."""
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Known losses: "
                         f"{sorted(_FUNCTIONS)}.")
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}.")


def serialize(loss):
    if isinstance(loss, Loss):
        return object_config(loss, "keras.losses")
    return getattr(loss, "__name__", str(loss))


def deserialize(config, custom_objects=None):
    if isinstance(config, str):
        return get(config)
    return object_from_config(config, _CLASSES, "loss", custom_objects)
