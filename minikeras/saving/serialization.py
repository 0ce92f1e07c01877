"""One layer's config in the Keras 3 format, both ways.

A layer is written as::

    {"module": "keras.layers", "class_name": "Dense", "config": layer.get_config(),
     "registered_name": None, "build_config": {"input_shape": [None, 10]}}

A model's ``config`` is its own ``get_config()`` (for a graph model, the layers and the
calls between them: ``minikeras.engine.functional_config``). Reading finds the class
(custom objects first, then minikeras's layers), refuses a Lambda in safe mode, adapts
Keras-only options, and calls the class's ``from_config``. Keras 2 configs (no
``module``, ``batch_input_shape`` on the first layer) are read too, as found in legacy
``.h5`` files.
"""
import inspect

import numpy as np

from .. import tree
from ..engine.functional_config import short as _short
from ..engine.functional_config import to_shape as _to_shape
from ..engine.input_layer import InputLayer
from ..engine.layer import Layer
from ..engine.model import Functional, Model
from ..engine.sequential import Sequential
from ..engine.tensor import KerasTensor
from ..layers.core import Lambda
from ..layers.recurrent import RNNBase
from .class_lookup import UnknownLayerError, find_class, is_builtin, keras_class_name, module_and_registered_name
from .config_adaptation import adapt_builtin_config, clean
from .functions import config_functions, resolve_config_functions
from .safe_mode import in_safe_mode, safe_mode_scope


# ------------------------------------------------------------------ writing
def serialize_layer(layer):
    """``layer`` as a Keras 3 config dict (plain JSON types only)."""
    module, registered_name = module_and_registered_name(layer)
    config = layer.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The get_config() method of layer {layer.name} ({type(layer).__name__}) "
                        f"must return a dict; it returned {config!r}.")
    config = config_functions(layer, config)
    serialized = {"module": module, "class_name": keras_class_name(layer),
                  "config": to_json_safe(config, where=f"the config of layer {layer.name}"),
                  "registered_name": registered_name}
    build_config = _build_config(layer)
    if build_config is not None:
        serialized["build_config"] = build_config
    return serialized


def to_json_safe(value, where="the config"):
    """``value`` as a JSON file can hold it: tuples become lists, dict keys strings, numpy scalars
    Python numbers, arrays and objects with ``get_config()`` records; anything else is an error.

    A ``tree.traverse`` bottom up: a container's items are made safe before the container itself
    is rewritten (a tuple into a list), which a same-shape ``map_structure`` could not do.
    """
    return tree.traverse(lambda item: _json_safe_item(item, where), value, top_down=False)


def _json_safe_item(value, where):
    """One sub-structure of ``to_json_safe``'s walk, its items already safe (None: keep it)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, Layer):
        return serialize_layer(value)
    if hasattr(value, "get_config"):
        return {"module": type(value).__module__, "class_name": type(value).__name__,
                "config": to_json_safe(value.get_config(), where), "registered_name": None}
    raise TypeError(f"Cannot serialize {value!r} (type {type(value).__name__}) found in {where}: "
                    "a config may hold numbers, strings, lists, dicts and objects with get_config().")


def _build_config(layer):
    """``{"input_shape": ...}`` for a built layer that has its own ``build``, as Keras writes.

    A class may say more with its own ``get_build_config()`` (then ``build_from_config``
    reads it back). A subclassed model is written with the shape it was first called on,
    so that loading can create its weights by calling it once."""
    if isinstance(layer, InputLayer) or not layer.built:
        return None
    own = getattr(layer, "get_build_config", None)
    if own is not None:
        return to_json_safe(own(), where=f"the build config of layer {layer.name}")
    if isinstance(layer, Sequential):
        return {"input_shape": list(layer.inputs[0].shape)}
    if isinstance(layer, Functional):
        return {"input_shape": None}
    if isinstance(layer, Model):
        shapes = getattr(layer, "_build_shapes", None)
        return {"input_shape": to_json_safe(shapes)}
    if type(layer).build is Layer.build:
        return None
    node = next((n for n in layer._inbound_nodes if n.input_tensors), None)
    if node is None:
        return None
    # Built from its first argument (the engine's rule): its shape, or the list of its shapes
    first = node.first_argument
    shapes = [list(t.shape) for t in tree.flatten(first) if isinstance(t, KerasTensor)]
    if isinstance(layer, RNNBase) or len(shapes) == 1 and not isinstance(first, (list, tuple, dict)):
        return {"input_shape": shapes[0]}
    return {"input_shape": shapes}


# ------------------------------------------------------------------ reading
def deserialize_layer(config, custom_objects=None, build=True, safe_mode=None):
    """A layer (or model) from its config dict, Keras 3 or Keras 2 style.

    ``build=True`` applies the config's ``build_config`` so the layer has its weights,
    as Keras does; inside a functional model the calls build the layers instead.
    In safe mode (the default, as in Keras) a Lambda layer is refused: loading it would
    run code stored in the file."""
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A layer config must be a dict with 'class_name' and 'config' keys, "
                         f"received: {_short(config)}")
    with safe_mode_scope(safe_mode):
        return _deserialize_layer(config, custom_objects, build)


def _deserialize_layer(config, custom_objects, build):
    cls = find_class(config, custom_objects)
    if issubclass(cls, Lambda) and in_safe_mode():
        raise ValueError(
            f"Layer '{(config.get('config') or {}).get('name', '?')}' is a Lambda layer: rebuilding it "
            "runs Python code stored in the file, which is disallowed by default. If you trust the "
            "source, pass safe_mode=False to the loading function, or call "
            "keras.config.enable_unsafe_deserialization().")
    inner = resolve_config_functions(dict(config.get("config") or {}), custom_objects)
    if is_builtin(cls) and getattr(cls.from_config, "__func__", None) is Layer.from_config.__func__:
        # Classes with their own from_config (models, wrappers, Lambda) read their keys themselves.
        inner = adapt_builtin_config(cls, config["class_name"], clean(inner))
    elif is_builtin(cls):
        inner = clean(inner)
    layer = _instantiate(cls, inner, config, custom_objects)
    build_config = config.get("build_config") or {}
    if build_config and not layer.built and hasattr(layer, "build_from_config"):
        # The class knows best what its build needs (more than the input shape, perhaps):
        # honoured even inside a graph model, whose calls would otherwise build it from shapes.
        layer.build_from_config(build_config)
        layer.built = True
    elif build and not layer.built and isinstance(layer, Model) and not isinstance(layer, Functional) \
            and build_config.get("input_shape"):
        _build_subclassed_model(layer, _to_shape(build_config["input_shape"]))
    elif build and not layer.built and not isinstance(layer, Model) and build_config.get("input_shape"):
        layer._maybe_build(_to_shape(build_config["input_shape"]))
    return layer


def _build_subclassed_model(model, input_shape):
    """Create a subclassed model's weights by calling it once on zeros of the saved input shape
    (its layers are made in ``call``, so only a call builds them, as Keras's ``build`` does)."""
    def zeros(shape):
        return np.zeros(tuple(1 if d is None else d for d in shape), dtype="float32")
    if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
        model([zeros(s) for s in input_shape])
    else:
        model(zeros(input_shape))


def _instantiate(cls, inner, config, custom_objects):
    kwargs = {}
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        kwargs["custom_objects"] = custom_objects
    try:
        return cls.from_config(inner, **kwargs)
    except UnknownLayerError:
        raise
    except TypeError as e:
        name = inner.get("name", config.get("name", "?"))
        raise TypeError(
            f"Layer '{name}' of class {cls.__name__} could not be rebuilt from its config: {e}. "
            "from_config(config) calls the class with get_config()'s dict as keyword arguments, so "
            "__init__ must accept every key get_config() returns.") from e


def serialize_model(model):
    """The whole model as Keras 3 writes it at the top of config.json."""
    return serialize_layer(model)
