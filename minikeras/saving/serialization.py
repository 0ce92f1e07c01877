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
import contextlib
import inspect

import numpy as np

from .. import layers
from ..engine.functional_config import short as _short
from ..engine.functional_config import to_shape as _to_shape
from ..engine.input_layer import InputLayer
from ..engine.layer import _ALLOWED_KWARGS, Layer
from ..engine.model import Functional, Model
from ..engine.sequential import Sequential
from ..layers.core import Lambda
from ..layers.recurrent import RNNBase
from . import registration


# ------------------------------------------------------------------ class names and lookup
def builtin_layer_classes():
    """Every layer class minikeras ships, by Keras class name."""
    classes = {obj.__name__: obj for obj in vars(layers).values()
               if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer}
    classes.update(Functional=Functional, Model=Model, Sequential=Sequential)
    return classes


def keras_class_name(layer):
    """The class name Keras 3 writes for ``layer`` (a graph model is a ``Functional``)."""
    return type(layer).__name__


def _is_builtin(cls):
    return cls in (Model, Functional, Sequential) or getattr(layers, cls.__name__, None) is cls


def _module_and_registered_name(layer):
    cls = type(layer)
    if cls is Functional:
        return "keras.src.models.functional", "Functional"
    if cls is Sequential:
        return "keras", None
    if _is_builtin(cls):
        return "keras.layers", None
    module = None if cls.__module__ == "__main__" else cls.__module__
    return module, registration.get_registered_name(cls)


# ------------------------------------------------------------------ writing
def serialize_layer(layer):
    """``layer`` as a Keras 3 config dict (plain JSON types only)."""
    module, registered_name = _module_and_registered_name(layer)
    config = layer.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The get_config() method of layer {layer.name} ({type(layer).__name__}) "
                        f"must return a dict; it returned {config!r}.")
    serialized = {"module": module, "class_name": keras_class_name(layer),
                  "config": to_json_safe(config, where=f"the config of layer {layer.name}"),
                  "registered_name": registered_name}
    build_config = _build_config(layer)
    if build_config is not None:
        serialized["build_config"] = build_config
    return serialized


def to_json_safe(value, where="the config"):
    """Tuples become lists and numpy scalars Python numbers; anything else unknown is an error."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [to_json_safe(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json_safe(v, where) for k, v in value.items()}
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
    """``{"input_shape": ...}`` for a built layer that has its own ``build``, as Keras writes."""
    if isinstance(layer, InputLayer) or not layer.built:
        return None
    if isinstance(layer, Sequential):
        return {"input_shape": list(layer.inputs[0].shape)}
    if isinstance(layer, Model):
        return {"input_shape": None}
    if type(layer).build is Layer.build:
        return None
    node = next((n for n in layer._inbound_nodes if n.input_tensors), None)
    if node is None:
        return None
    shapes = [list(s) for s in node.input_shapes]
    if isinstance(layer, RNNBase) or len(shapes) == 1 and not isinstance(node.input_structure, list):
        return {"input_shape": shapes[0]}
    return {"input_shape": shapes}


# ------------------------------------------------------------------ reading
_SAFE_MODE = [True]


def enable_unsafe_deserialization():
    """Allow configs to rebuild Lambda layers (their code is executed): only for trusted files."""
    _SAFE_MODE[0] = False


@contextlib.contextmanager
def safe_mode_scope(safe_mode):
    """Within the block, ``safe_mode`` (if not None) decides whether Lambda layers may load."""
    previous = _SAFE_MODE[0]
    if safe_mode is not None and _SAFE_MODE[0] is not False:  # a global opt-out wins, as in Keras
        _SAFE_MODE[0] = bool(safe_mode)
    try:
        yield
    finally:
        _SAFE_MODE[0] = previous


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
    cls = _find_class(config, custom_objects)
    if issubclass(cls, Lambda) and _SAFE_MODE[0]:
        raise ValueError(
            f"Layer '{(config.get('config') or {}).get('name', '?')}' is a Lambda layer: rebuilding it "
            "runs Python code stored in the file, which is disallowed by default. If you trust the "
            "source, pass safe_mode=False to the loading function, or call "
            "keras.config.enable_unsafe_deserialization().")
    inner = dict(config.get("config") or {})
    if _is_builtin(cls) and getattr(cls.from_config, "__func__", None) is Layer.from_config.__func__:
        # Classes with their own from_config (models, wrappers, Lambda) read their keys themselves.
        inner = _adapt_builtin_config(cls, config["class_name"], _clean(inner))
    elif _is_builtin(cls):
        inner = _clean(inner)
    layer = _instantiate(cls, inner, config, custom_objects)
    build_config = config.get("build_config") or {}
    if build and not layer.built and not isinstance(layer, Model) and build_config.get("input_shape"):
        layer._maybe_build(_to_shape(build_config["input_shape"]))
    return layer


def _find_class(config, custom_objects):
    class_name = config["class_name"]
    registered_name = config.get("registered_name")
    objects = registration.all_custom_objects(custom_objects)
    for key in (registered_name, class_name):
        if key and key in objects:
            return objects[key]
    module = config.get("module")
    # Keras 2 configs have no "module"; Keras 3 writes one for built-in classes.
    builtin_module = "module" not in config or (module or "").split(".")[0] in ("keras", "minikeras")
    builtins = builtin_layer_classes()
    if builtin_module and class_name in builtins:
        return builtins[class_name]
    name = (config.get("config") or {}).get("name", config.get("name", "?"))
    if "module" not in config:  # a Keras 2 config does not say whose class it is
        raise UnknownLayerError(
            f"Unknown layer class '{class_name}' (layer '{name}'): it is not a minikeras layer. If it is "
            f"your own class, pass it when loading, e.g. custom_objects={{'{class_name}': {class_name}}}, "
            "or register it with @keras.saving.register_keras_serializable(); if it is a Keras layer, "
            "minikeras does not implement it.")
    if builtin_module:
        raise UnknownLayerError(
            f"Unknown layer class '{class_name}' (layer '{name}'): it is a Keras class that minikeras "
            f"does not implement. minikeras layers: {', '.join(sorted(builtins))}.")
    raise UnknownLayerError(
        f"Unknown layer class '{class_name}' (layer '{name}', module {module!r}). It is not a minikeras "
        f"layer: pass your class when loading, e.g. custom_objects={{'{class_name}': {class_name}}} "
        "(to load_model, model_from_json or from_config), or decorate it with "
        "@keras.saving.register_keras_serializable().")


class UnknownLayerError(TypeError):
    """A config names a class that is neither a minikeras layer nor a given custom object."""


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


# Options Keras 3 writes that minikeras does not implement. Each is dropped when it has
# the value that means "off"; any other value is an error, not silently ignored.
def _off(value):
    return lambda v, config: v == value


_KERAS_ONLY_OPTIONS = {
    "quantization_config": _off(None),
    "lora_rank": _off(None),
    "lora_alpha": _off(None),
    "zero_output_for_mask": lambda v, config: True,  # minikeras zeroes masked steps like Keras
    "renorm": _off(False),
    "renorm_clipping": _off(None),
    "renorm_momentum": lambda v, config: not config.get("renorm"),
    "activity_regularizer": _off(None),
    "ragged": _off(False),
    "optional": _off(False),
    "output_shape_type": lambda v, config: True,
    "output_shape_module": lambda v, config: True,
    "mask": _off(None),
    "data_format": lambda v, config: v in (None, "channels_last"),
}


def _accepted_arguments(cls):
    names = set(_ALLOWED_KWARGS)
    for klass in cls.__mro__:
        if klass is Layer or klass is object:
            break
        if "__init__" in vars(klass):
            params = inspect.signature(klass.__init__).parameters.values()
            names.update(p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
    return names


def _adapt_builtin_config(cls, class_name, config):
    """Drop Keras-only options that are off; refuse the ones that are on."""
    if cls in (Model, Functional, Sequential):
        return config
    accepted = _accepted_arguments(cls)
    adapted = {}
    for key, value in config.items():
        if key in accepted:
            adapted[key] = value
        elif key in _KERAS_ONLY_OPTIONS and _KERAS_ONLY_OPTIONS[key](value, config):
            continue
        else:
            raise ValueError(
                f"Layer '{config.get('name', '?')}' ({class_name}): the config sets {key}={value!r}, "
                f"an option of Keras's {class_name} that minikeras does not implement.")
    return adapted


_INITIALIZER_EXTRAS = ("input_axes", "output_axes")


def _clean(value):
    """Remove what Keras adds for its own bookkeeping: shared-object ids, and the
    initializer options ``input_axes``/``output_axes`` when unset."""
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if not isinstance(value, dict):
        return value
    cleaned = {k: _clean(v) for k, v in value.items() if k != "shared_object_id"}
    if str(cleaned.get("module", "")).startswith("keras.initializers") and isinstance(cleaned.get("config"), dict):
        inner = cleaned["config"]
        for key in _INITIALIZER_EXTRAS:
            if key in inner:
                if inner[key] is not None:
                    raise ValueError(f"Initializer {cleaned.get('class_name')} sets {key}={inner[key]!r}, "
                                     "which minikeras does not implement.")
                inner = {k: v for k, v in inner.items() if k != key}
        cleaned["config"] = inner
    return cleaned


def serialize_model(model):
    """The whole model as Keras 3 writes it at the top of config.json."""
    return serialize_layer(model)
