"""Metrics that report a loss (MSE, MAE, crossentropy...) as a running mean.

They reuse the loss arithmetic of ``minikeras/losses/kernels.py`` on plain numpy
arrays: a metric needs the values, not their gradients.
"""
import numpy as np

from ..losses import imbalance_losses, kernels
from ..losses.losses import same_rank
from .metric import Mean, MeanMetricWrapper, to_array


def _numpy_loss(kernel, sparse=False):
    def fn(y_true, y_pred, **kwargs):
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        if not sparse:
            y_true, y_pred = same_rank(y_true.astype(y_pred.dtype, copy=False), y_pred)
        return kernel(y_true, y_pred, **kwargs)[0]
    fn.__name__ = kernel.__name__[:-len("_values")]
    return fn


mean_squared_error = _numpy_loss(kernels.mean_squared_error_values)
mean_absolute_error = _numpy_loss(kernels.mean_absolute_error_values)
mean_absolute_percentage_error = _numpy_loss(kernels.mean_absolute_percentage_error_values)
mean_squared_logarithmic_error = _numpy_loss(kernels.mean_squared_logarithmic_error_values)
log_cosh = _numpy_loss(kernels.log_cosh_values)
poisson = _numpy_loss(kernels.poisson_values)
kl_divergence = _numpy_loss(kernels.kl_divergence_values)
hinge = _numpy_loss(kernels.hinge_values)
squared_hinge = _numpy_loss(kernels.squared_hinge_values)
categorical_hinge = _numpy_loss(kernels.categorical_hinge_values)
binary_crossentropy = _numpy_loss(kernels.binary_crossentropy_values)
categorical_crossentropy = _numpy_loss(kernels.categorical_crossentropy_values)
sparse_categorical_crossentropy = _numpy_loss(kernels.sparse_categorical_crossentropy_values, sparse=True)
huber = _numpy_loss(kernels.huber_values)


def binary_focal_crossentropy(y_true, y_pred, **kwargs):
    """The focal loss's per-sample values (see losses/imbalance_losses.py), as numpy."""
    return np.asarray(imbalance_losses.binary_focal_crossentropy(to_array(y_true), to_array(y_pred), **kwargs))


def categorical_focal_crossentropy(y_true, y_pred, **kwargs):
    """The focal loss's per-sample values (see losses/imbalance_losses.py), as numpy."""
    return np.asarray(imbalance_losses.categorical_focal_crossentropy(to_array(y_true), to_array(y_pred), **kwargs))


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle (+1 = same direction): the loss's value with the sign flipped."""
    y_true, y_pred = same_rank(to_array(y_true, np.float32), to_array(y_pred))
    return -kernels.cosine_similarity_values(y_true, y_pred, axis=axis)[0]


def _wrapper(fn, default_name, direction="down", **defaults):
    class Wrapped(MeanMetricWrapper):
        _direction = direction

        def __init__(self, name=default_name, dtype=None, **kwargs):
            super().__init__(fn, name=name, dtype=dtype, **{**defaults, **kwargs})
    return Wrapped


MeanSquaredError = _wrapper(mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapper(mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _wrapper(mean_absolute_percentage_error, "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _wrapper(mean_squared_logarithmic_error, "mean_squared_logarithmic_error")
LogCoshError = _wrapper(log_cosh, "logcosh")
Poisson = _wrapper(poisson, "poisson")
KLDivergence = _wrapper(kl_divergence, "kl_divergence")
Hinge = _wrapper(hinge, "hinge")
SquaredHinge = _wrapper(squared_hinge, "squared_hinge")
CategoricalHinge = _wrapper(categorical_hinge, "categorical_hinge")
BinaryCrossentropy = _wrapper(binary_crossentropy, "binary_crossentropy", from_logits=False,
                              label_smoothing=0.0)
CategoricalCrossentropy = _wrapper(categorical_crossentropy, "categorical_crossentropy", from_logits=False,
                                   label_smoothing=0.0)
SparseCategoricalCrossentropy = _wrapper(sparse_categorical_crossentropy, "sparse_categorical_crossentropy",
                                         from_logits=False)
CosineSimilarity = _wrapper(cosine_similarity, "cosine_similarity", direction="up")
for _name, _cls in list(globals().items()):
    if isinstance(_cls, type) and issubclass(_cls, MeanMetricWrapper) and _cls.__name__ == "Wrapped":
        _cls.__name__ = _cls.__qualname__ = _name


class RootMeanSquaredError(Mean):
    """sqrt of the mean squared error over all values seen."""
    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = same_rank(to_array(y_true, np.float32), to_array(y_pred))
        super().update_state(np.square(y_true - y_pred), sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))
