"""The config of a graph model (``get_config``/``from_config``), in the Keras 3 format.

A functional model's config lists its layers (in ``model.layers`` order), each with
``name`` and ``inbound_nodes``: one entry per call of the layer inside this model,
``{"args": [...], "kwargs": {...}}``, where every input tensor is written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer name, node index, tensor index]}}``. ``input_layers``/``output_layers`` keep the
structure (one tensor, list or dict) the model was built with. A Sequential's config is
its InputLayer (if it has one), then every layer, and ``build_input_shape``.

Node indices count only the calls that belong to the model being written. minikeras,
like Keras 2, gives every graph model an internal node 0 (its own inputs to its own
outputs), so its calls from outside are nodes 1, 2, ... Keras 3 writes those calls as
0, 1, ... inside ``inbound_nodes``, but keeps Keras 2's numbering (first call = 1) in
``input_layers``/``output_layers`` of a nested *Functional* model (not of a nested
Sequential). ``_ConfigIndices`` below is that rule, used in both directions.

Reading also accepts Keras 2 configs (``inbound_nodes`` as ``[[name, node, tensor,
kwargs], ...]`` lists, Keras 2 numbering throughout), as found in legacy ``.h5`` files.

How each single layer is written and read (class names, custom objects, safe mode) is
``minikeras.saving``'s work, reached through ``saving_hooks``.

An op called between layers (``x + y``, ``ops.mean(x, axis=1)``: ``ops/operation.py``) is an
entry of ``layers`` too, written as Keras 3 writes its op classes:
``{"module": "keras.src.ops.numpy", "class_name": "Mean", "config": {"name": ..., "axis": 1},
"registered_name": "Mean", "name": ..., "inbound_nodes": [...]}``, the options in ``config``
and the tensors (and constants such as the ``0.5`` of ``x * 0.5``) in its one call. Reading
turns ``Mean`` back into ``minikeras.ops.mean``; an op minikeras does not have, or options
its function does not take, are an error naming the op. Slices and ``...`` in a call
(``x[:, 1:3]``) are written as Keras's ``__slice__`` and ``__ellipsis__`` records.
"""
import numpy as np

from .. import ops, tree
from ..ops.operation import Operation, class_to_snake_name
from .layer import Layer, is_written_shape
from .recorded_masks import MaskNotRecomputedError, check_masks_recomputed, without_recorded_masks
from .saving_hooks import saving_function
from .tensor import KerasTensor

KERAS_TENSOR = "__keras_tensor__"
SLICE, ELLIPSIS = "__slice__", "__ellipsis__"


def is_functional_config(config):
    """True for the config of a graph model (layers and the calls between them)."""
    return isinstance(config, dict) and "layers" in config and "input_layers" in config


def _keeps_internal_node(layer):
    """True for a graph model: its node 0 is its own, not a call from outside."""
    return bool(layer._inbound_nodes) and layer._inbound_nodes[0].is_model_internal


# ------------------------------------------------------------------ writing
class _ConfigIndices:
    """Converts node indices between minikeras and a config of one model (see module doc)."""

    def __init__(self, model):
        self.model = model
        self.nodes = model.graph.nodes

    def kept_before(self, layer, node_index):
        return sum(1 for node in layer._inbound_nodes[:node_index] if node in self.nodes)

    def in_node(self, layer, node_index):
        """Index written inside ``inbound_nodes``: calls of this model only, from 0."""
        return self.kept_before(layer, node_index)

    def in_io(self, layer, node_index):
        """Index written in ``input_layers``/``output_layers``."""
        offset = 1 if _keeps_internal_node(layer) and layer.keras2_numbering_in_configs else 0
        return offset + self.kept_before(layer, node_index)


def _tensor_config(tensor, indices):
    layer, node_index, tensor_index = tensor._keras_history
    return {"class_name": KERAS_TENSOR,
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": [layer.name, indices.in_node(layer, node_index), tensor_index]}}


def _serialize_call_value(value, indices):
    def tensor_to_reference(v):
        if isinstance(v, KerasTensor):
            return _tensor_config(v, indices)
        if isinstance(v, slice):
            return {"class_name": SLICE, "config": {"start": v.start, "stop": v.stop, "step": v.step}}
        if v is Ellipsis:
            return {"class_name": ELLIPSIS, "config": {}}
        return v
    return saving_function("to_json_safe")(tree.map_structure(tensor_to_reference, value),
                                           where="the arguments of a layer call")


def serialize_node(node, indices):
    """One call of a layer: ``{"args": [...], "kwargs": {...}}``, the arguments as they were
    given, with each tensor as a reference. A ``mask=None`` the engine passed is not written."""
    kwargs = {k: v for k, v in node.call_kwargs.items() if not (k == "mask" and v is None)}
    return {"args": _serialize_call_value(list(node.call_args), indices),
            "kwargs": _serialize_call_value(kwargs, indices)}


def functional_to_config(model):
    """``model.get_config()`` of a functional model, in the Keras 3 format."""
    serialize_layer = saving_function("serialize_layer")
    indices = _ConfigIndices(model)
    layer_configs = []
    for layer in model.operations:
        config = _operation_config(layer) if isinstance(layer, Operation) else serialize_layer(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = [serialize_node(node, indices) for node in layer._inbound_nodes
                                   if node in indices.nodes and not node.is_input]
        layer_configs.append(config)

    def io_entry(tensor):
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, indices.in_io(layer, node_index), tensor_index]

    to_json_safe = saving_function("to_json_safe")
    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": to_json_safe(tree.map_structure(io_entry, model.graph.input_structure)),
            "output_layers": to_json_safe(tree.map_structure(io_entry, model.graph.output_structure))}


def _operation_config(operation):
    """An op's entry, as Keras 3 writes one (its call is added by the caller)."""
    return {"module": operation.keras_module, "class_name": operation.class_name,
            "config": saving_function("to_json_safe")(operation.get_config(),
                                                      where=f"the options of op {operation.name}"),
            "registered_name": operation.class_name}


def sequential_to_config(model):
    """``Sequential.get_config()``: its InputLayer (if it has one) and then every layer."""
    serialize_layer = saving_function("serialize_layer")
    layers = []
    if model._input_tensor is not None:
        layers.append(serialize_layer(model._input_tensor._keras_history.layer))
    layers += [serialize_layer(layer) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable,
              "dtype": Layer.get_config(model)["dtype"], "layers": layers}
    if model.graph is not None:
        config["build_input_shape"] = list(model.inputs[0].shape)
    return config


# ------------------------------------------------------------------ reading
def to_shape(value):
    """JSON shape(s) back to tuples: [None, 3] -> (None, 3); [[None, 3], [None, 4]] -> list."""
    return tree.map_structure(tuple, value, is_leaf=is_written_shape)


def short(value, limit=200):
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _is_keras3_node(node_data):
    return isinstance(node_data, dict)


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model: make every layer, then replay its calls in order.

    A call whose inputs do not exist yet (a layer shared at different depths) waits for a
    later pass; a pass that makes no progress means the config is broken."""
    deserialize_layer = saving_function("deserialize_layer")
    if not isinstance(config, dict) or "layers" not in config:
        raise ValueError("Invalid functional model config: expected a dict with 'layers', "
                         f"'input_layers' and 'output_layers'; received {short(config)}")
    for key in ("input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"Invalid functional model config: the key '{key}' is missing.")
    cleaned, masked_calls = without_recorded_masks(config)   # Keras's mask operations: see the module
    try:
        return _rebuild(cls, cleaned, custom_objects, masked_calls)
    except MaskNotRecomputedError:
        # A mask made by hand (``lstm(x, mask=ops.not_equal(ids, 0))``) that minikeras's layers
        # would not make: the ops that compute it are kept as op nodes (ops/operation.py) and
        # the call gets it as its recorded ``mask=`` argument, as in the model that was saved.
        return _rebuild(cls, config, custom_objects, [])


def _rebuild(cls, config, custom_objects, masked_calls):
    """The steps of ``functional_from_config`` once the config is checked: make every layer
    and op, replay the calls, and make the model from the tensors named as its inputs and
    outputs."""
    deserialize_layer = saving_function("deserialize_layer")
    created = {}
    pending = {}
    for layer_data in config["layers"]:
        if "name" not in layer_data:
            raise ValueError(f"Invalid functional model config: a layer entry has no 'name': {short(layer_data)}")
        if is_operation_config(layer_data):
            layer = operation_from_config(layer_data)
        else:
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
                _replay(created[name], args, kwargs)
                pending[name].pop(0)
                progressed = True
        if not progressed:
            unresolved = {name: len(nodes) for name, nodes in pending.items() if nodes}
            raise ValueError(
                "Invalid Functional model configuration. The graph of the Functional model either has "
                "loops or disconnected nodes. The following layers have calls whose inputs never "
                f"became available: {unresolved}")

    check_masks_recomputed(created, masked_calls)

    def get_tensor(entry):
        name, node_index, tensor_index = entry
        if name not in created:
            raise ValueError(f"Invalid functional model config: input/output layer '{name}' is not "
                             "among its layers.")
        layer = created[name]
        if keras3 and _keeps_internal_node(layer) and not layer.keras2_numbering_in_configs:
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


def _is_io_entry(value):
    """``[layer name, node index, tensor index]``, one tensor of input_layers/output_layers."""
    return isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str) \
        and all(isinstance(i, int) for i in value[1:])


def _map_io(fn, structure):
    def entry(value):
        if not _is_io_entry(value):
            raise ValueError(f"Invalid functional model config: cannot read input/output entry {short(value)}.")
        return fn(value)
    return tree.map_structure(entry, structure, is_leaf=_is_io_entry)


def _resolve_call(node_data, created):
    """(args, kwargs) of one recorded call, or None while an input does not exist yet."""
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
                raise ValueError(f"Invalid Functional model configuration: bad node entry {short(entry)}.")
            t = tensor(*entry[:3])
            if t is missing:
                return None
            tensors.append(t)
            if len(entry) == 4:
                kwargs = dict(entry[3])
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs

    found_missing = []

    def revive(value):
        """A tensor reference becomes the tensor, a written array the array."""
        if _is_record(value, KERAS_TENSOR):
            name, node_index, tensor_index = value["config"]["keras_history"]
            layer = created.get(name)
            if layer is not None and _keeps_internal_node(layer):
                node_index += 1  # skip the nested model's internal node 0
            t = tensor(name, node_index, tensor_index)
            if t is missing:
                found_missing.append(name)
            return t
        if _is_record(value, "__numpy__"):
            return np.array(value["config"]["value"], dtype=value["config"]["dtype"])
        if _is_record(value, SLICE):
            return slice(value["config"].get("start"), value["config"].get("stop"), value["config"].get("step"))
        if _is_record(value, ELLIPSIS):
            return Ellipsis
        return value

    def is_record(value):
        return any(_is_record(value, name) for name in (KERAS_TENSOR, "__numpy__", SLICE, ELLIPSIS))

    args = tree.map_structure(revive, node_data.get("args", []), is_leaf=is_record)
    kwargs = tree.map_structure(revive, node_data.get("kwargs", {}), is_leaf=is_record)
    if found_missing:
        return None
    kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
    return args, kwargs


def is_operation_config(layer_data):
    """True for the entry of an op (Keras 3 writes them from its ``keras.src.ops`` modules)."""
    return str(layer_data.get("module") or "").startswith("keras.src.ops.")


def operation_from_config(layer_data):
    """The ``Operation`` of an op entry: ``Mean`` is ``minikeras.ops.mean``, with the options."""
    class_name = layer_data.get("class_name")
    fn_name = class_to_snake_name(str(class_name))
    fn = getattr(ops, fn_name, None)
    if not callable(fn) or isinstance(fn, type):
        raise ValueError(
            f"The model's op '{layer_data.get('name')}' is Keras's {layer_data.get('module')}.{class_name}, "
            f"which minikeras.ops does not have (looked for ops.{fn_name}): this model cannot be loaded.")
    options = {k: _tuples(v) for k, v in dict(layer_data.get("config") or {}).items() if k != "name"}
    # The plain function: the Operation records the call itself (``Operation.__call__``).
    return Operation(getattr(fn, "__wrapped__", fn), options, name=layer_data.get("name"), op_name=fn_name)


def _tuples(value):
    """JSON's lists back to tuples in an op's options (``axis=[0, 1]`` is numpy's ``(0, 1)``)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _replay(layer, args, kwargs):
    """Call a layer or an op again on the rebuilt tensors. A written ``x[:, 1:3]`` key is a
    list; indexing wants it back as the tuple it was."""
    if not isinstance(layer, Operation):
        return layer(*args, **kwargs)
    if layer.op_name == "get_item" and len(args) == 2 and isinstance(args[1], list):
        args = [args[0], tuple(args[1])]
    try:
        return layer(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise ValueError(f"Could not rebuild the model's op '{layer.name}' ({layer.class_name}) "
                         f"with options {layer.options}: {e}") from e


def _is_record(value, class_name):
    return isinstance(value, dict) and value.get("class_name") == class_name


def sequential_from_config(cls, config, custom_objects=None):
    """Rebuild a Sequential from Keras 3 (``{"layers": [...], "build_input_shape"}``) or
    Keras 2 (a list of layer configs, or ``{"name", "layers"}``) configs."""
    deserialize_layer = saving_function("deserialize_layer")
    if isinstance(config, list):
        config = {"layers": config}
    if not isinstance(config, dict) or "layers" not in config:
        raise ValueError(f"Invalid Sequential config: expected a dict with 'layers'; received {short(config)}")
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for layer_config in config["layers"]:
        model.add(deserialize_layer(layer_config, custom_objects, build=False))
    shape = config.get("build_input_shape")
    if model.graph is None and shape:
        model.build(to_shape(shape))
    return model
