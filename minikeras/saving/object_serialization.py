"""Any Keras object as Keras 3's config dict, and back: ``serialize_keras_object`` /
``deserialize_keras_object``.

Keras 3 writes every object the same way, so one reader can rebuild a layer, a loss, a
metric, an optimizer, an initializer, a regularizer, a constraint or a function::

    {"module": "keras.losses", "class_name": "MeanSquaredError", "config": {...},
     "registered_name": None}

A function (an activation, a loss given as a function) has no config of its own: it is
written as ``{"module": "builtins", "class_name": "function", "config": <its name>,
"registered_name": "function"}`` where the name is the registered one (``'my>fn'``)
if the function was registered. Reading a name looks in the custom objects first
(``registration.py``), then among minikeras's own objects; layers go through
``serialization.deserialize_layer`` so their ``build_config`` is honoured.
"""
import types

import numpy as np

from .. import constraints, initializers, losses, metrics, optimizers, regularizers
from ..engine.layer import Layer
from ..common.object_config import object_from_config
from ..common import registration
from .functions import resolve_function, serialize_function
from .serialization import deserialize_layer, serialize_layer

# The public Keras namespace of each kind of object, and minikeras's module that holds it.
_NAMESPACES = (("keras.losses", losses), ("keras.metrics", metrics), ("keras.optimizers", optimizers),
               ("keras.initializers", initializers), ("keras.regularizers", regularizers),
               ("keras.constraints", constraints))


# ------------------------------------------------------------------ writing
def serialize_keras_object(obj):
    """``obj`` as the JSON-friendly value Keras 3 writes for it (plain values stay as they are)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, Layer):
        return serialize_layer(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return serialize_function(obj)
    if hasattr(obj, "get_config"):
        return _serialize_object(obj)
    raise TypeError(f"Cannot serialize {obj!r} (type {type(obj).__name__}): serialize_keras_object "
                    "accepts plain values, numpy arrays, functions, and objects with get_config().")


def _serialize_object(obj):
    cls = type(obj)
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The get_config() method of {cls.__name__} must return a dict; it returned "
                        f"{config!r}.")
    module, registered_name = _public_module(cls), None
    if module is None:  # a user's class: found again by its registered name (or class name)
        module, registered_name = cls.__module__, registration.get_registered_name(cls)
    return {"module": module, "class_name": cls.__name__, "config": serialize_keras_object(config),
            "registered_name": registered_name}


def _public_module(cls):
    """'keras.losses' for minikeras's own loss classes, etc.; None for a user's class."""
    if cls in registration._GLOBAL_CUSTOM_NAMES:
        return None
    for public, namespace in _NAMESPACES:
        if getattr(namespace, cls.__name__, None) is cls:
            return public
    return None


# ------------------------------------------------------------------ reading
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object ``config`` describes (the reverse of ``serialize_keras_object``).

    ``custom_objects`` maps names to your classes and functions; with registration and
    ``custom_object_scope`` it is searched before minikeras's own objects."""
    if kwargs:
        raise TypeError(f"deserialize_keras_object got unexpected keyword argument(s) {sorted(kwargs)}.")
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        items = [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
        return tuple(items) if isinstance(config, tuple) else items
    if not isinstance(config, dict):
        raise TypeError(f"Could not deserialize {config!r} (type {type(config).__name__}): expected a "
                        "config dict made by serialize_keras_object.")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name = config["class_name"]
    if class_name == "__numpy__":
        inner = config["config"]
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "function":
        return resolve_function(config["config"], custom_objects)
    return _deserialize_object(config, custom_objects, safe_mode)


def _deserialize_object(config, custom_objects, safe_mode):
    module = config.get("module") or ""
    cls = None
    for key in (config.get("registered_name"), config["class_name"]):
        if key:
            cls = registration.get_registered_object(key, custom_objects)
            if cls is not None:
                break
    if (isinstance(cls, type) and issubclass(cls, Layer)) or (cls is None and module.startswith("keras.layers")
                                                              or module.startswith("keras.src.models")
                                                              or module == "keras"):
        return deserialize_layer(config, custom_objects, safe_mode=safe_mode)
    if cls is not None:
        return cls.from_config(deserialize_keras_object(config.get("config") or {}, custom_objects, safe_mode))
    for public, namespace in _NAMESPACES:
        if module.startswith(public) or (public == "keras.optimizers" and "optimizers" in module):
            return object_from_config(config, _classes(namespace), public.split(".")[1][:-1],
                                      custom_objects)
    for public, namespace in _NAMESPACES:  # no module (or not Keras's): try every kind by class name
        if config["class_name"] in _classes(namespace):
            return object_from_config(config, _classes(namespace), public.split(".")[1][:-1])
    raise ValueError(
        f"Could not locate class '{config['class_name']}' (module {module!r}). If it is your own, pass "
        f"it when loading, e.g. custom_objects={{'{config['class_name']}': {config['class_name']}}}, or "
        "decorate it with @keras.saving.register_keras_serializable().")


def _classes(namespace):
    """The classes a minikeras namespace exports, by name."""
    return {name: obj for name, obj in vars(namespace).items() if isinstance(obj, type)
            and hasattr(obj, "from_config")}
