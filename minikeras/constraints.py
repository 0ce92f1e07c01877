"""Weight constraints: projections applied to a weight after every optimizer update.

A penalty (``regularizers``) only pushes a weight towards a region by adding to the loss;
a constraint puts it there. After each step the optimizer replaces the variable by
``constraint(variable)`` (see ``Optimizer._apply_arrays``), so the weight never leaves the
allowed set: ``MaxNorm(3)`` on a Dense kernel keeps every unit's incoming weight vector
(a column, ``axis=0``) no longer than 3, the trick of the original dropout paper.

Layers take them as ``kernel_constraint=`` / ``bias_constraint=`` (and
``embeddings_constraint``, ``gamma_constraint``, ...); ``add_weight(constraint=...)`` stores
one on the variable. The formulas, defaults and configs are Keras 3's.
"""
import inspect

from . import backend, ops
from .common import registration


class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight (here ``w`` unchanged).

    Subclass it and override ``__call__``; add ``get_config`` if ``__init__`` takes arguments,
    so that a saved model can rebuild the constraint.
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale the slices of ``w`` along ``axis`` whose L2 norm exceeds ``max_value``.

    ``axis=0`` for a Dense kernel (input_dim, units) constrains each unit's weight vector;
    for a Conv2D kernel (rows, cols, in, out) use ``axis=[0, 1, 2]``.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, backend.epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Replace negative weights by zero."""

    def __call__(self, w):
        return ops.maximum(ops.convert_to_tensor(w), 0.0)


class UnitNorm(Constraint):
    """Scale the slices of ``w`` along ``axis`` to L2 norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), backend.epsilon()))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move the norms of the slices of ``w`` along ``axis`` into [min_value, max_value].

    ``rate`` < 1 moves them only part of the way at each step:
    ``desired = rate * clip(norm, min_value, max_value) + (1 - rate) * norm``.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(self.rate, ops.clip(norms, self.min_value, self.max_value)),
                          ops.multiply(1 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, backend.epsilon())))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras 2's function-style names, still accepted by Keras 3.
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm

_CLASSES = {cls.__name__: cls for cls in (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)}
_NAMES = {**_CLASSES, "constraint": Constraint, "max_norm": MaxNorm, "non_neg": NonNeg,
          "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm}


def serialize(constraint):
    """A constraint as Keras 3 writes it: ``{"module", "class_name", "config", "registered_name"}``."""
    if constraint is None:
        return None
    if inspect.isfunction(constraint):  # a plain function is saved by name, as Keras does
        return {"module": constraint.__module__, "class_name": "function", "config": constraint.__name__,
                "registered_name": registration.get_registered_name(constraint)}
    if not hasattr(constraint, "get_config"):
        raise ValueError(f"Cannot serialize the constraint {constraint!r}: it has no get_config(). "
                         "Subclass keras.constraints.Constraint to make it saveable.")
    cls = type(constraint)
    custom = _CLASSES.get(cls.__name__) is not cls
    return {"module": cls.__module__ if custom else "keras.constraints", "class_name": cls.__name__,
            "config": constraint.get_config(),
            "registered_name": registration.get_registered_name(cls) if custom else None}


def deserialize(config, custom_objects=None):
    """Rebuild a constraint from ``serialize``'s dict (or a bare class name).

    Names are looked up in ``custom_objects``, then among registered classes
    (``@keras.saving.register_keras_serializable``), then among the built-in constraints."""
    if isinstance(config, str):
        return get(config) if custom_objects is None else _from_name(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret constraint config: {config!r}. Expected a dict with "
                         "'class_name' and 'config'.")
    known = registration.all_custom_objects(custom_objects)
    if config["class_name"] == "function":
        fn = known.get(config.get("registered_name")) or known.get(config.get("config"))
        if fn is None:
            raise ValueError(f"Unknown constraint function {config.get('config')!r}: pass it in "
                             "custom_objects or register it with @keras.saving.register_keras_serializable().")
        return fn
    cls = next((known[key] for key in (config.get("registered_name"), config["class_name"])
                if key and key in known), None) or _NAMES.get(config["class_name"])
    if cls is None:
        raise ValueError(f"Unknown constraint class {config['class_name']!r}. Built-in constraints: "
                         f"{', '.join(sorted(_CLASSES))}; pass your own class in custom_objects.")
    return cls.from_config(config.get("config") or {})


def _from_name(name, custom_objects):
    obj = custom_objects.get(name) or _NAMES.get(name)
    if obj is None:
        raise ValueError(f"Could not interpret constraint identifier: {name!r}. Known names: "
                         f"{', '.join(sorted(_NAMES))}.")
    return obj() if inspect.isclass(obj) else obj


def get(identifier):
    """A constraint from None, an instance or callable, a class, a name ('max_norm') or a config."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _from_name(identifier, {})
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}.")
