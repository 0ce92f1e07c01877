"""Stateful metrics: ``update_state`` accumulates, ``result`` reads, ``reset_state`` clears.

A metric is evaluated on numpy arrays outside the gradient tape: it is reported, not
differentiated. ``Mean`` keeps a weighted running sum and count; ``MeanMetricWrapper``
turns a per-sample function (``binary_accuracy``...) into such a mean.
"""
import numpy as np

from .. import backend, initializers
from ..losses.losses import apply_mask
from ..ops.tensor import Tensor, Variable


def to_array(x, dtype=None):
    x = x.value if isinstance(x, Tensor) else x
    return np.asarray(x, dtype=dtype)


class Metric:
    """Base class: subclasses implement ``update_state``, ``result`` and ``reset_state``."""

    _direction = None  # "up" if bigger is better (callbacks in mode "auto" use it)

    def __init__(self, name=None, dtype=None):
        self.name = name or backend.to_snake_case(type(self).__name__)
        self.dtype = backend.standardize_dtype(dtype)

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"Metric {type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"Metric {type(self).__name__} must implement result().")

    def add_variable(self, shape=(), initializer="zeros", dtype=None, name=None):
        """A state Variable for a custom metric (Keras 3 name); ``reset_state`` zeroes it."""
        dtype = backend.standardize_dtype(dtype or self.dtype)
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        var = Variable(value, name=name or "variable", trainable=False, dtype=dtype,
                       path=f"{self.name}/{name or 'variable'}")
        self.__dict__.setdefault("_state_variables", []).append(var)
        return var

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None):
        """Keras 2's name for ``add_variable``."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        return list(self.__dict__.get("_state_variables", []))

    def reset_state(self):
        """Zero every variable made with add_variable (metrics keeping other state override this)."""
        if not self.variables:
            raise NotImplementedError(f"Metric {type(self).__name__} must implement reset_state().")
        for var in self.variables:
            var.assign(np.zeros(var.shape, dtype=var.value.dtype))

    reset_states = reset_state  # Keras 2 name

    def __call__(self, *args, **kwargs):
        """Update with one batch and return the result so far."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def samplewise(values, sample_weight):
    """Keras's ``reduce_to_samplewise_values``: one (weighted) value per sample, and the
    per-sample weights, averaging any axes beyond the weights' rank."""
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.ndim == values.ndim + 1 and sw.shape[-1] == 1:
            sw = sw[..., 0]
        elif values.ndim == sw.ndim + 1 and values.shape[-1] == 1:
            values = values[..., 0]
        if values.ndim > sw.ndim:
            values = values.mean(axis=tuple(range(sw.ndim, values.ndim)))
        sw = np.broadcast_to(sw, values.shape)
        values = values * sw
        if values.ndim > 1:
            sw = sw.mean(axis=tuple(range(1, sw.ndim)))
    else:
        sw = None
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sw


class Mean(Metric):
    """The (weighted) mean of the values it is given."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values, sw = samplewise(to_array(values), None if sample_weight is None else to_array(sample_weight))
        self.total += float(values.sum())
        self.count += float(sw.sum()) if sw is not None else (values.shape[0] if values.ndim else 1)

    def add(self, value, count):
        """Fast path for the training loop: ``value`` already averaged over ``count`` samples."""
        self.total += value * count
        self.count += count

    def result(self):
        return self.total / self.count if self.count else 0.0

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0


class Sum(Metric):
    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = to_array(values, np.float64)
        if sample_weight is not None:
            values = values * to_array(sample_weight, np.float64)
        self.total += float(values.sum())

    def result(self):
        return self.total

    def reset_state(self):
        self.total = 0.0


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        # As Keras 3: a mask on the prediction leaves the masked steps out of the mean.
        sample_weight = apply_mask(sample_weight, getattr(y_pred, "_keras_mask", None), np.float64, "sum")
        values = self._fn(to_array(y_true), to_array(y_pred), **self._fn_kwargs)
        super().update_state(values, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
