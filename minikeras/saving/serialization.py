"""Layer and model configs in the Keras 3 format, both ways.

A layer is written as::

    {"module": "keras.layers", "class_name": "Dense", "config": layer.get_config(),
     "registered_name": None, "build_config": {"input_shape": [None, 10]}}

A functional model's config lists its layers (in ``model.layers`` order), each with
``name`` and ``inbound_nodes``: one entry per call of the layer inside this model,
``{"args": [...], "kwargs": {...}}``, where every input tensor is written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer name, node index, tensor index]}}``. ``input_layers``/``output_layers`` keep the
structure (one tensor, list or dict) the model was built with.

Node indices count only the calls that belong to the model being written. minikeras,
like Keras 2, gives every functional model an internal node 0 (its own inputs to its own
outputs), so its calls from outside are nodes 1, 2, ... Keras 3 writes those calls as
0, 1, ... inside ``inbound_nodes``, but keeps Keras 2's numbering (first call = 1) in
``input_layers``/``output_layers`` of a nested *Functional* model (not of a nested
Sequential). ``_ConfigIndices`` below is that rule, used in both directions.

Reading also accepts Keras 2 configs (``inbound_nodes`` as ``[[name, node, tensor,
kwargs], ...]`` lists, Keras 2 numbering throughout, ``batch_input_shape`` on the first
layer), as found in legacy ``.h5`` files.
"""
import contextlib
import inspect

import numpy as np

from . import registration

_KERAS_TENSOR = "__keras_tensor__"


# ------------------------------------------------------------------ class names and lookup
def _model_classes():
    from ..engine.functional import Model
    from ..engine.sequential import Sequential
    return Model, Sequential


def builtin_layer_classes():
    """Every layer class minikeras ships, by Keras class name."""
    from .. import layers
    from ..engine.layer import Layer
    Model, Sequential = _model_classes()
    classes = {obj.__name__: obj for obj in vars(layers).values()
               if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer}
    classes.update(Functional=Model, Model=Model, Sequential=Sequential)
    return classes


def keras_class_name(layer):
    """The class name Keras 3 writes for ``layer``: a plain ``Model`` is ``Functional``."""
    Model, _ = _model_classes()
    return "Functional" if type(layer) is Model else type(layer).__name__


def _is_builtin(cls):
    from .. import layers
    Model, Sequential = _model_classes()
    return cls in (Model, Sequential) or getattr(layers, cls.__name__, None) is cls


def _module_and_registered_name(layer):
    cls = type(layer)
    Model, Sequential = _model_classes()
    if cls is Model:
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
    from ..engine.layer import Layer
    if isinstance(value, Layer):
        return serialize_layer(value)
    if hasattr(value, "get_config"):
        return {"module": type(value).__module__, "class_name": type(value).__name__,
                "config": to_json_safe(value.get_config(), where), "registered_name": None}
    raise TypeError(f"Cannot serialize {value!r} (type {type(value).__name__}) found in {where}: "
                    "a config may hold numbers, strings, lists, dicts and objects with get_config().")


def _build_config(layer):
    """``{"input_shape": ...}`` for a built layer that has its own ``build``, as Keras writes."""
    from ..engine.input_layer import InputLayer
    from ..engine.layer import Layer
    from ..layers.recurrent import RNNBase
    Model, Sequential = _model_classes()
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


class _ConfigIndices:
    """Converts node indices between minikeras and a config of one model (see module doc)."""

    def __init__(self, model):
        self.model = model
        self.nodes = model._network_nodes

    def kept_before(self, layer, node_index):
        return sum(1 for node in layer._inbound_nodes[:node_index] if node in self.nodes)

    def in_node(self, layer, node_index):
        """Index written inside ``inbound_nodes``: calls of this model only, from 0."""
        return self.kept_before(layer, node_index)

    def in_io(self, layer, node_index):
        """Index written in ``input_layers``/``output_layers``."""
        Model, Sequential = _model_classes()
        offset = 1 if isinstance(layer, Model) and not isinstance(layer, Sequential) else 0
        return offset + self.kept_before(layer, node_index)


def _tensor_config(tensor, indices):
    layer, node_index, tensor_index = tensor._keras_history
    return {"class_name": _KERAS_TENSOR,
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": [layer.name, indices.in_node(layer, node_index), tensor_index]}}


def _serialize_call_value(value, indices):
    from ..engine.tensor import KerasTensor
    if isinstance(value, KerasTensor):
        return _tensor_config(value, indices)
    if isinstance(value, (list, tuple)):
        return [_serialize_call_value(v, indices) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_call_value(v, indices) for k, v in value.items()}
    return to_json_safe(value, where="the arguments of a layer call")


def serialize_node(node, indices):
    """One call of a layer: ``{"args": [...], "kwargs": {...}}`` with tensors as references."""
    from ..layers.recurrent import RNNBase
    structure = node.input_structure
    kwargs = {k: v for k, v in node.arguments.items() if k != "args" and not (k == "mask" and v is None)}
    # An RNN called with initial_state keeps the states as extra inputs; Keras passes them
    # as the ``initial_state`` keyword.
    if isinstance(node.outbound_layer, RNNBase) and isinstance(structure, list) and len(structure) > 1:
        structure, kwargs["initial_state"] = structure[0], list(structure[1:])
    args = [structure] + list(node.arguments.get("args", ()))
    return {"args": _serialize_call_value(args, indices), "kwargs": _serialize_call_value(kwargs, indices)}


def functional_config(model):
    """``model.get_config()`` of a functional model, in the Keras 3 format."""
    if not model._is_graph_network:
        raise NotImplementedError(
            f"Model {model.name} is a subclassed model without a graph of layers, so it has no "
            "config to write. Define get_config() (and from_config()) on your Model subclass, or "
            "build the model as Model(inputs, outputs), or save only its weights with save_weights().")
    indices = _ConfigIndices(model)
    layer_configs = []
    for layer in model.layers:
        config = serialize_layer(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = [serialize_node(node, indices) for node in layer._inbound_nodes
                                   if node in indices.nodes and not node.is_input]
        layer_configs.append(config)

    def io_entry(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, indices.in_io(layer, node_index), tensor_index]

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": _map_structure(io_entry, model._input_structure),
            "output_layers": _map_structure(io_entry, model._output_structure)}


def sequential_config(model):
    """``Sequential.get_config()``: its InputLayer (if it has one) and then every layer."""
    from ..engine.layer import Layer
    layers = []
    if model._input_tensor is not None:
        layers.append(serialize_layer(model._input_tensor._keras_history.layer))
    layers += [serialize_layer(layer) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable,
              "dtype": Layer.get_config(model)["dtype"], "layers": layers}
    if model._is_graph_network:
        config["build_input_shape"] = list(model.inputs[0].shape)
    return config


def _map_structure(fn, structure):
    if isinstance(structure, (list, tuple)):
        return [_map_structure(fn, s) for s in structure]
    if isinstance(structure, dict):
        return {k: _map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


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
    from ..engine.layer import Layer
    if isinstance(config, Layer):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A layer config must be a dict with 'class_name' and 'config' keys, "
                         f"received: {_short(config)}")
    with safe_mode_scope(safe_mode):
        return _deserialize_layer(config, custom_objects, build)


def _deserialize_layer(config, custom_objects, build):
    cls = _find_class(config, custom_objects)
    from ..layers.core import Lambda
    if issubclass(cls, Lambda) and _SAFE_MODE[0]:
        raise ValueError(
            f"Layer '{(config.get('config') or {}).get('name', '?')}' is a Lambda layer: rebuilding it "
            "runs Python code stored in the file, which is disallowed by default. If you trust the "
            "source, pass safe_mode=False to the loading function, or call "
            "keras.config.enable_unsafe_deserialization().")
    inner = dict(config.get("config") or {})
    from ..engine.layer import Layer
    if _is_builtin(cls) and getattr(cls.from_config, "__func__", None) is Layer.from_config.__func__:
        # Classes with their own from_config (models, wrappers, Lambda) read their keys themselves.
        inner = _adapt_builtin_config(cls, config["class_name"], _clean(inner))
    elif _is_builtin(cls):
        inner = _clean(inner)
    layer = _instantiate(cls, inner, config, custom_objects)
    build_config = config.get("build_config") or {}
    Model, _ = _model_classes()
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
    from ..engine.layer import _ALLOWED_KWARGS, Layer
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
    Model, Sequential = _model_classes()
    if cls in (Model, Sequential):
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


def _to_shape(value):
    """JSON shape(s) back to tuples: [None, 3] -> (None, 3); [[None, 3], [None, 4]] -> list."""
    if isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    return [_to_shape(v) for v in value]


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _is_keras3_node(node_data):
    return isinstance(node_data, dict)


def functional_from_config(config, custom_objects=None, cls=None):
    """Rebuild a functional model: make every layer, then replay its calls in order.

    A call whose inputs do not exist yet (a layer shared at different depths) waits for a
    later pass; a pass that makes no progress means the config is broken."""
    Model, Sequential = _model_classes()
    cls = cls or Model
    if not isinstance(config, dict) or "layers" not in config:
        raise ValueError("Invalid functional model config: expected a dict with 'layers', "
                         f"'input_layers' and 'output_layers'; received {_short(config)}")
    for key in ("input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"Invalid functional model config: the key '{key}' is missing.")
    created = {}
    pending = {}
    for layer_data in config["layers"]:
        if "name" not in layer_data:
            raise ValueError(f"Invalid functional model config: a layer entry has no 'name': {_short(layer_data)}")
        layer = deserialize_layer(layer_data, custom_objects, build=False)
        created[layer_data["name"]] = layer
        pending[layer_data["name"]] = list(layer_data.get("inbound_nodes", []))
    keras3 = any(_is_keras3_node(node) for nodes in pending.values() for node in nodes)

    while any(pending.values()):
        progressed = False
        for layer_data in config["layers"]:
            name = layer_data["name"]
            while pending[name]:
                call = _resolve_call(pending[name][0], created)
                if call is None:
                    break
                args, kwargs = call
                created[name](*args, **kwargs)
                pending[name].pop(0)
                progressed = True
        if not progressed:
            unresolved = {name: len(nodes) for name, nodes in pending.items() if nodes}
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model either has "
                "loops or disconnected nodes. The following layers have calls whose inputs never "
                f"became available: {unresolved}")

    def get_tensor(entry):
        name, node_index, tensor_index = entry
        if name not in created:
            raise ValueError(f"Invalid functional model config: input/output layer '{name}' is not "
                             "among its layers.")
        layer = created[name]
        if keras3 and isinstance(layer, Sequential):
            node_index += 1  # Keras 3 counts a nested Sequential's calls from 0
        try:
            return layer._inbound_nodes[node_index].output_tensors[tensor_index]
        except IndexError:
            raise ValueError(f"Invalid functional model config: layer '{name}' has no output "
                             f"[{node_index}][{tensor_index}].") from None

    inputs = _map_io(get_tensor, config["input_layers"])
    outputs = _map_io(get_tensor, config["output_layers"])
    if not keras3:
        # Keras 2 always wrote lists; its one-input / one-output models took and gave single arrays.
        inputs, outputs = (x[0] if isinstance(x, list) and len(x) == 1 else x for x in (inputs, outputs))
    extra = {k: v for k, v in config.items() if k not in ("layers", "input_layers", "output_layers", "name",
                                                          "trainable")}
    if extra:
        raise ValueError(f"Unrecognized keys in the config of functional model "
                         f"'{config.get('name')}': {sorted(extra)}.")
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _map_io(fn, structure):
    if isinstance(structure, (list, tuple)) and len(structure) == 3 and isinstance(structure[0], str) \
            and all(isinstance(i, int) for i in structure[1:]):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_io(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_map_io(fn, v) for v in structure]
    raise ValueError(f"Invalid functional model config: cannot read input/output entry {_short(structure)}.")


def _resolve_call(node_data, created):
    """(args, kwargs) of one recorded call, or None while an input does not exist yet."""
    Model, _ = _model_classes()
    missing = object()

    def tensor(name, node_index, tensor_index):
        if name not in created:
            raise ValueError(f"Invalid Functional model configuration. Missing node: {name} (a call "
                             "refers to a layer that is not in the model's 'layers').")
        layer = created[name]
        if len(layer._inbound_nodes) <= node_index:
            return missing
        outputs = layer._inbound_nodes[node_index].output_tensors
        if tensor_index >= len(outputs):
            raise ValueError(f"Invalid Functional model configuration: layer {name} has no output "
                             f"tensor {tensor_index} at node {node_index}.")
        return outputs[tensor_index]

    if isinstance(node_data, list):  # Keras 2: [[name, node, tensor, kwargs], ...]
        tensors, kwargs = [], {}
        for entry in node_data:
            if len(entry) not in (3, 4):
                raise ValueError(f"Invalid Functional model configuration: bad node entry {_short(entry)}.")
            t = tensor(*entry[:3])
            if t is missing:
                return None
            tensors.append(t)
            if len(entry) == 4:
                kwargs = dict(entry[3])
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs

    found_missing = []

    def revive(value):
        if isinstance(value, dict) and value.get("class_name") == _KERAS_TENSOR:
            name, node_index, tensor_index = value["config"]["keras_history"]
            layer = created.get(name)
            if isinstance(layer, Model):
                node_index += 1  # skip the nested model's internal node 0
            t = tensor(name, node_index, tensor_index)
            if t is missing:
                found_missing.append(name)
            return t
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            return np.array(value["config"]["value"], dtype=value["config"]["dtype"])
        if isinstance(value, (list, tuple)):  # configs straight from get_config() hold tuples
            return [revive(v) for v in value]
        if isinstance(value, dict):
            return {k: revive(v) for k, v in value.items()}
        return value

    args = revive(node_data.get("args", []))
    kwargs = revive(node_data.get("kwargs", {}))
    if found_missing:
        return None
    kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
    return args, kwargs


def sequential_from_config(config, custom_objects=None):
    """Rebuild a Sequential from Keras 3 (``{"layers": [...], "build_input_shape"}``) or
    Keras 2 (a list of layer configs, or ``{"name", "layers"}``) configs."""
    _, Sequential = _model_classes()
    if isinstance(config, list):
        config = {"layers": config}
    if not isinstance(config, dict) or "layers" not in config:
        raise ValueError(f"Invalid Sequential config: expected a dict with 'layers'; received {_short(config)}")
    model = Sequential(name=config.get("name"), trainable=config.get("trainable", True))
    for layer_config in config["layers"]:
        model.add(deserialize_layer(layer_config, custom_objects, build=False))
    shape = config.get("build_input_shape")
    if not model._is_graph_network and shape:
        model.build(_to_shape(shape))
    return model


def serialize_model(model):
    """The whole model as Keras 3 writes it at the top of config.json."""
    return serialize_layer(model)
