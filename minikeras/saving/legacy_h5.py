"""Keras 2's single-file HDF5 format: ``model.save('m.h5')``.

Layout (keras-team/keras@2.2.4 ``keras/engine/saving.py``)::

    attrs  keras_version, backend, model_config = JSON {"class_name": "Model", "config": ...},
           training_config (when compiled)
    model_weights/                attrs layer_names, backend, keras_version
        <layer name>/             attrs weight_names = ["dense_1/kernel:0", "dense_1/bias:0"]
            dense_1/kernel:0      one dataset per weight
    optimizer_weights/            attrs weight_names; one dataset per optimizer variable

The model config is Keras 2's: layers carry ``class_name``/``config`` without ``module``,
a Sequential's first layer carries ``batch_input_shape``, and ``inbound_nodes`` are
``[[layer name, node index, tensor index, kwargs], ...]`` with Keras 2 node numbering
(a nested model's first call is node 1). Weights are matched to layers by order (the
layers of ``model.layers`` that have weights), as Keras 2 and Keras 3 both do.

Reading also accepts the ``.h5`` files Keras 3 writes (Keras 3 layer configs without
``module``, ``inbound_nodes`` as ``{"args", "kwargs"}``, weight names without ``:0``).
"""
import inspect
import json
import warnings

import numpy as np

from ..engine.input_layer import InputLayer
from ..engine.model import Functional
from ..ops.node import keras_tensors_in
from ..ops.operation import Operation
from ..engine.sequential import Sequential
from ..version import __version__
from . import serialization
from .files import atomic_write, check_readable
from .keras_format import _check_built, _h5py, compile_from_config, get_compile_config

LEGACY_KERAS_VERSION = "2.2.4"


# ------------------------------------------------------------------ Keras 2 configs
def _legacy_value(value):
    """Keras 3 nested configs to Keras 2's: no module/registered_name, dtype as a string.

    Written by hand, not on ``tree``: here a dict is a config record, and its kind decides
    both which keys survive (a ``{"module", "class_name", "config", ...}`` record keeps two)
    and whether to go inside at all (a nested layer's record is kept whole, DTypePolicy
    becomes its name). ``tree.traverse`` can either replace a record or descend into it,
    not drop keys and descend into the ones kept.
    """
    if isinstance(value, list):
        return [_legacy_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") == "DTypePolicy":
        return value["config"]["name"]
    if value.get("module") == "keras.layers" or value.get("registered_name"):
        # A layer inside a layer (a wrapper's): Keras 3 reads these only in its own full form.
        return value
    if "class_name" in value and "config" in value:
        return {"class_name": value["class_name"], "config": _legacy_value(value["config"])}
    return {k: _legacy_value(v) for k, v in value.items()}


def legacy_layer_config(layer, batch_input_shape=None):
    """``{"class_name", "config"}`` of a layer as Keras 2 writes it."""
    if isinstance(layer, Sequential):
        return {"class_name": "Sequential", "config": legacy_sequential_config(layer)}
    if type(layer) is Functional:
        return {"class_name": "Model", "config": legacy_functional_config(layer)}
    if isinstance(layer, InputLayer):
        return {"class_name": "InputLayer",
                "config": {"batch_input_shape": list(layer._batch_input_shape), "dtype": layer.dtype,
                           "sparse": layer.sparse, "name": layer.name}}
    config = _legacy_value(serialization.to_json_safe(layer.get_config(), f"the config of layer {layer.name}"))
    if batch_input_shape is not None:
        config["batch_input_shape"] = list(batch_input_shape)
    return {"class_name": serialization.keras_class_name(layer), "config": config}


def legacy_functional_config(model):
    ops_in_graph = [op for op in model.operations if isinstance(op, Operation)]
    if ops_in_graph:
        # Keras 2 recorded such ops as TensorFlow function layers (TFOpLambda), which only
        # TensorFlow can run: the .h5 format has no entry minikeras or Keras 3 could read back.
        op = ops_in_graph[0]
        raise ValueError(
            f"Model {model.name} calls the op '{op.name}' ({op.class_name}) between its layers, which "
            "the Keras 2 (.h5) format cannot record. Save the model in the .keras format.")
    nodes = model.graph.nodes

    def index(layer, node_index):
        kept = sum(1 for node in layer._inbound_nodes[:node_index] if node in nodes)
        return kept + (1 if isinstance(layer, Functional) else 0)  # Keras 2 networks keep node 0

    def entry(tensor, kwargs=None):
        layer, node_index, tensor_index = tensor._keras_history
        row = [layer.name, index(layer, node_index), tensor_index]
        return row + [kwargs] if kwargs is not None else row

    layers = []
    for layer in model.layers:
        config = legacy_layer_config(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = []
        for node in layer._inbound_nodes:
            if node in nodes and not node.is_input:
                tensors, options = _keras2_call(node)
                kwargs = serialization.to_json_safe(options, f"the call arguments of layer {layer.name}")
                config["inbound_nodes"].append([entry(t, kwargs) for t in tensors])
        layers.append(config)
    return {"name": model.name, "layers": layers,
            "input_layers": [entry(t) for t in model.inputs],
            "output_layers": [entry(t) for t in model.outputs]}


def _keras2_call(node):
    """A call in Keras 2's terms: one list of input tensors, and the keyword options.

    Keras 2 kept no argument names for tensors: replaying a call passes them all as one list
    (the first argument). The tensors of a later argument can only be written when the layer
    reads them back from that list (``keras2_tensor_arguments``: MultiHeadAttention's value
    and key, an RNN's initial_state); any other call needs the ``.keras`` format."""
    layer = node.outbound_layer
    tensors = keras_tensors_in(node.first_argument)
    options = {k: v for k, v in node.call_kwargs.items() if v is not None and not keras_tensors_in(v)}
    if len(tensors) == len(node.input_tensors):
        return tensors, options
    bound = inspect.signature(layer.call).bind(*node.call_args, **node.call_kwargs).arguments
    readable = getattr(layer, "keras2_tensor_arguments", ())
    for name, value in list(bound.items())[1:]:
        found = keras_tensors_in(value)
        if found and name not in readable:
            raise ValueError(
                f"Layer {layer.name} ({type(layer).__name__}) was called with tensors in its argument "
                f"`{name}`, which the Keras 2 (.h5) format cannot record (it keeps one list of input "
                "tensors per call, without argument names). Save the model in the .keras format.")
        tensors += found
    return tensors, options


def legacy_sequential_config(model):
    layers = []
    for i, layer in enumerate(model.layers):
        shape = model.inputs[0].shape if i == 0 and model.graph is not None else None
        layers.append(legacy_layer_config(layer, batch_input_shape=shape))
    return {"name": model.name, "layers": layers}


# ------------------------------------------------------------------ weights
def legacy_weights(layer):
    """Keras's saving order: trainable weights, then non-trainable ones."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _weight_names(weights):
    names, seen = [], set()
    for w in weights:
        name = f"{w.path}:0"
        k = 1
        while name in seen:
            name = f"{w.path}_{k}:0"
            k += 1
        seen.add(name)
        names.append(name)
    return names


def _encode(names):
    return np.array([n.encode("utf8") for n in names], dtype=object) if names else np.array([], dtype="S1")


def _decode(values):
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _read_name_list(group, name):
    """An attribute list, possibly split into name0, name1... chunks by Keras for size."""
    if name in group.attrs:
        return _decode(group.attrs[name])
    values, chunk = [], 0
    while f"{name}{chunk}" in group.attrs:
        values += _decode(group.attrs[f"{name}{chunk}"])
        chunk += 1
    return values


def save_weights_to_group(group, model):
    group.attrs["layer_names"] = _encode([layer.name for layer in model.layers])
    group.attrs["backend"] = "minikeras"
    group.attrs["keras_version"] = f"{LEGACY_KERAS_VERSION} (minikeras {__version__})"
    for layer in model.layers:
        layer_group = group.create_group(layer.name)
        weights = legacy_weights(layer)
        names = _weight_names(weights)
        layer_group.attrs["weight_names"] = _encode(names)
        for name, w in zip(names, weights):
            layer_group.create_dataset(name, data=np.asarray(w.value))


def read_weights_from_group(group, model, source):
    """[(variable, array)] for every weighted layer, matched by order; assigns nothing."""
    layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved = []
    for name in _read_name_list(group, "layer_names"):
        if name not in group:
            raise ValueError(f"{source} is incomplete: 'layer_names' lists layer '{name}' but there is no "
                             "group for it.")
        weight_names = _read_name_list(group[name], "weight_names")
        if weight_names:
            saved.append((name, weight_names))
    if len(saved) != len(layers):
        raise ValueError(
            f"Layer count mismatch when loading weights from {source}: the model has {len(layers)} layers "
            f"with weights ({[l.name for l in layers]}), the file has {len(saved)} "
            f"({[name for name, _ in saved]}).")
    assignments = []
    for layer, (name, weight_names) in zip(layers, saved):
        variables = legacy_weights(layer)
        if len(weight_names) != len(variables):
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}) expects {len(variables)} weight arrays, but "
                f"{source} has {len(weight_names)} for layer '{name}'.")
        for var, weight_name in zip(variables, weight_names):
            if weight_name not in group[name]:
                raise ValueError(f"{source} is incomplete: weight '{weight_name}' of layer '{name}' is missing.")
            array = np.asarray(group[name][weight_name][()])
            if tuple(array.shape) != tuple(var.shape):
                raise ValueError(
                    f"Shape mismatch for layer '{layer.name}' ({type(layer).__name__}), weight '{var.name}': "
                    f"expected shape {tuple(var.shape)}, received shape {tuple(array.shape)} from {source} "
                    f"('{name}/{weight_name}').")
            assignments.append((var, array))
    return assignments


# ------------------------------------------------------------------ whole models
def save_model(model, filepath, include_optimizer=True):
    h5py = _h5py()
    _check_built(model, "save")
    model_config = legacy_layer_config(model)
    compile_config = get_compile_config(model) if include_optimizer else None
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None
    with atomic_write(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["keras_version"] = f"{LEGACY_KERAS_VERSION} (minikeras {__version__})"
            f.attrs["backend"] = "minikeras"
            f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
            if compile_config is not None:
                f.attrs["training_config"] = json.dumps(
                    serialization.to_json_safe(compile_config, "the compile configuration")).encode("utf8")
            save_weights_to_group(f.create_group("model_weights"), model)
            variables = list(getattr(optimizer, "variables", None) or [])
            if variables:
                group = f.create_group("optimizer_weights")
                names = _weight_names(variables)
                group.attrs["weight_names"] = _encode(names)
                for name, var in zip(names, variables):
                    group.create_dataset(name, data=np.asarray(var.value))


def _open(filepath, what):
    h5py = _h5py()
    filepath = check_readable(filepath, what)
    try:
        return h5py.File(filepath, "r")
    except OSError as e:
        raise ValueError(f"{filepath!r} is not a readable HDF5 file: it may be truncated or corrupted "
                         f"({e}).") from None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    source = f"the file {str(filepath)!r}"
    with _open(filepath, "a model") as f:
        raw = f.attrs.get("model_config")
        if raw is None:
            raise ValueError(f"No model config found in {source}: it holds only weights? Use "
                             "model.load_weights() on a model built in code.")
        config = json.loads(raw.decode("utf8") if isinstance(raw, bytes) else raw)
        model = serialization.deserialize_layer(config, custom_objects, safe_mode=safe_mode)
        if "model_weights" not in f:
            raise ValueError(f"{source} has a model config but no 'model_weights' group.")
        assignments = read_weights_from_group(f["model_weights"], model, source)
        training_config = f.attrs.get("training_config") if compile else None
        optimizer_arrays = None
        if training_config is not None and "optimizer_weights" in f:
            group = f["optimizer_weights"]
            optimizer_arrays = [np.asarray(group[n][()]) for n in _read_name_list(group, "weight_names")]
    for var, array in assignments:
        var.assign(array)
    if training_config is not None:
        config = json.loads(training_config.decode("utf8") if isinstance(training_config, bytes)
                            else training_config)
        _compile_from_training_config(model, config, custom_objects, optimizer_arrays)
    return model


def _compile_from_training_config(model, config, custom_objects, optimizer_arrays):
    if "optimizer_config" in config and "optimizer" not in config:  # Keras 2 / Keras 3 legacy layout
        config = dict(config)
        config["optimizer"] = config.pop("optimizer_config")
        for key in ("sample_weight_mode", "weighted_metrics") :
            if config.get(key) is None:
                config.pop(key, None)
    compile_from_config(model, config, custom_objects)
    if not optimizer_arrays:
        return
    variables = list(getattr(model.optimizer, "variables", None) or [])
    shapes_match = len(variables) == len(optimizer_arrays) and all(
        tuple(v.shape) == a.shape for v, a in zip(variables, optimizer_arrays))
    if not shapes_match:
        warnings.warn("The optimizer state saved in the file does not match this optimizer's variables "
                      f"({len(optimizer_arrays)} saved arrays, {len(variables)} variables): the model starts "
                      "with a freshly initialized optimizer.", stacklevel=3)
        return
    for var, array in zip(variables, optimizer_arrays):
        var.assign(array)


def save_weights(model, filepath):
    """Keras 2's ``save_weights('w.h5')``: the model_weights layout at the file's root."""
    h5py = _h5py()
    _check_built(model, "save")
    with atomic_write(filepath) as tmp:
        with h5py.File(tmp, "w") as f:
            save_weights_to_group(f, model)


def load_weights(model, filepath):
    source = f"the weights file {str(filepath)!r}"
    with _open(filepath, "weights") as f:
        group = f["model_weights"] if "model_weights" in f else f
        assignments = read_weights_from_group(group, model, source)
    for var, array in assignments:
        var.assign(array)
