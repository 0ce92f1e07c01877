"""Functions inside configs: a custom activation, loss or metric written by name, found again on load.

A function has no config, only a name. Keras 3 writes a function that is not one of its
own as ``{"module": "builtins", "class_name": "function", "config": <name>,
"registered_name": "function"}``, the name being the registered one (``'my>double'``)
when the function was registered. Reading looks the name up in the custom objects
(the loading call's ``custom_objects``, open ``custom_object_scope``s, registrations),
then among minikeras's activations, losses and metrics.

A layer's ``get_config`` writes its activation with ``activations.serialize``, which knows
only a function's ``__name__``; ``config_functions`` turns such names back into Keras's
function dict (when saving), and ``resolve_config_functions`` turns dicts and custom
names into the functions themselves (when loading), so ``from_config`` receives callables.
"""
import types

from .. import activations, losses, metrics
from ..common import registration


def serialize_function(fn):
    """A named function as Keras 3 writes it."""
    if getattr(fn, "__name__", "<lambda>") == "<lambda>":
        raise ValueError("Cannot serialize a lambda function: it has no name to be found by when "
                         "loading. Define it with `def` and register it with "
                         "@keras.saving.register_keras_serializable().")
    return {"module": "builtins", "class_name": "function",
            "config": registration.get_registered_name(fn), "registered_name": "function"}


def _builtin_functions():
    return (activations._BY_NAME, losses._FUNCTIONS, metrics._FUNCTIONS)


def is_builtin_function(fn):
    return any(fn is f for table in _builtin_functions() for f in table.values())


def resolve_function(name, custom_objects=None):
    """The function saved under ``name``: a custom object, else a minikeras activation, loss or metric."""
    found = registration.get_registered_object(name, custom_objects)
    if found is not None:
        return found
    for table in _builtin_functions():
        if name in table:
            return table[name]
    raise ValueError(
        f"Could not locate function '{name}'. It is not a minikeras activation, loss or metric. If it "
        f"is your own, pass it when loading, e.g. custom_objects={{'{name}': {name.split('>')[-1]}}}, "
        "or decorate it with @keras.saving.register_keras_serializable().")


def is_function_config(value):
    return isinstance(value, dict) and value.get("class_name") == "function" and "config" in value


def config_functions(layer, config):
    """``config`` with each user function the layer holds (e.g. its activation) written as Keras's
    function dict instead of a bare name."""
    out = dict(config)
    held = vars(layer)   # the instance's own attributes: no property is evaluated
    for key, value in config.items():
        fn = held.get(key)
        if (isinstance(value, str) and isinstance(fn, types.FunctionType) and fn.__name__ == value
                and not is_builtin_function(fn)):
            out[key] = serialize_function(fn)
    return out


def resolve_config_functions(config, custom_objects=None):
    """``config`` with function dicts, and custom names given for an activation, replaced by the
    functions they name."""
    objects = registration.all_custom_objects(custom_objects)
    out = dict(config)
    for key, value in config.items():
        if is_function_config(value):
            out[key] = resolve_function(value["config"], custom_objects)
        elif isinstance(value, str) and key.endswith("activation") and value not in activations._BY_NAME \
                and callable(objects.get(value)):
            out[key] = objects[value]
    return out
