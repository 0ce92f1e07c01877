"""``minikeras.saving``: files and configs Keras 3 (and Keras 2's ``.h5``) can read.

* ``model.save('m.keras')`` / ``load_model('m.keras')``: the Keras 3 zip (keras_format.py)
* ``model.save('m.h5')`` / ``load_model('m.h5')``: Keras 2's HDF5 file (legacy_h5.py)
* ``model.save_weights('w.weights.h5')`` / ``model.load_weights(...)``
* ``to_json`` / ``model_from_json``, ``clone_model``; each layer's config
  (serialization.py, with class_lookup.py, safe_mode.py and config_adaptation.py; a graph
  model's own config is ``minikeras.engine.functional_config``)

Every write goes to a temporary file that replaces the target only when complete.
``model.save`` and the other model methods that belong here reach these functions
through ``minikeras.engine.saving_hooks``, filled in at the end of this module.
"""
import json
import os

from .. import tree
from ..engine import saving_hooks
from ..engine.input_layer import Input
from ..engine.model import Functional, Model
from ..engine.sequential import Sequential
from ..ops.operation import Operation
from . import keras_format, legacy_h5, serialization
from .object_serialization import deserialize_keras_object, serialize_keras_object
from ..common.registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                           get_registered_name, get_registered_object, register_keras_serializable)
from .safe_mode import enable_unsafe_deserialization
from .serialization import deserialize_layer, serialize_layer

_H5_SUFFIXES = (".h5", ".hdf5")


def _path(filepath):
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(f"filepath must be a str or os.PathLike, received {filepath!r} "
                        f"(type {type(filepath).__name__}).")
    return os.fspath(filepath)


def _check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} exists and overwrite=False: choose another name, or pass "
                              "overwrite=True to replace it.")


def save_model(model, filepath, overwrite=True, include_optimizer=True, **kwargs):
    """Save ``model`` to ``.keras`` (Keras 3's format) or ``.h5`` (Keras 2's)."""
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    filepath = _path(filepath)
    _check_overwrite(filepath, overwrite)
    if filepath.endswith(".keras"):
        return keras_format.save_model(model, filepath)
    if filepath.endswith(_H5_SUFFIXES):
        return legacy_h5.save_model(model, filepath, include_optimizer=include_optimizer)
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
        "Keras format (recommended) or a `.h5` extension. Use `model.export(filepath)` if you want to "
        f"export a SavedModel for use with TFLite/TFServing/etc. Received: filepath={filepath}.")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model saved with ``save`` (``.keras`` or ``.h5``), by Keras or minikeras."""
    filepath = _path(filepath)
    if filepath.endswith(".keras"):
        return keras_format.load_model(filepath, custom_objects, compile=compile, safe_mode=safe_mode)
    if filepath.endswith(_H5_SUFFIXES):
        return legacy_h5.load_model(filepath, custom_objects, compile=compile, safe_mode=safe_mode)
    raise ValueError(
        f"File format not supported: filepath={filepath}. minikeras (like Keras 3) loads `.keras` files "
        "and legacy H5 files (`.h5` extension).")


def save_weights(model, filepath, overwrite=True):
    filepath = _path(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    _check_overwrite(filepath, overwrite)
    keras_format.save_weights(model, filepath)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    if skip_mismatch or kwargs:
        raise ValueError("minikeras's load_weights does not support skip_mismatch or "
                         f"{sorted(kwargs) or 'other options'}: weights must match the model exactly.")
    filepath = _path(filepath)
    if filepath.endswith((".keras", ".weights.h5")):
        return keras_format.load_weights(model, filepath)
    if filepath.endswith(_H5_SUFFIXES):
        return legacy_h5.load_weights(model, filepath)
    raise ValueError(
        f"File format not supported: filepath={filepath}. minikeras (like Keras 3) loads weights from "
        "`.keras` files, `.weights.h5` files, and legacy H5 files (`.h5` extension).")


def model_to_json(model, **kwargs):
    return json.dumps(keras_format.serialize_model(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """The model (new weights) described by ``model.to_json()``."""
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as e:
        raise ValueError(f"model_from_json expects the JSON text made by model.to_json(): {e}") from None
    return serialization.deserialize_layer(config, custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    """A copy of ``model``'s architecture with new layers (fresh weights), as Keras does.

    ``clone_function(layer)`` makes each new layer (default: from the layer's config);
    ``input_tensors`` replaces the model's inputs."""
    if not isinstance(model, Model):
        raise ValueError(f"Expected `model` to be a Model instance, received {model!r}.")
    clone_function = clone_function or _clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if not isinstance(model, Functional):
        raise ValueError(f"Model {model.name} is a subclassed model: clone_model can only clone "
                         "functional and Sequential models.")
    return _clone_functional(model, input_tensors, clone_function)


def _clone_layer(layer):
    return serialization.deserialize_layer(serialization.serialize_layer(layer), build=False)


def _clone_sequential(model, input_tensors, clone_function):
    layers = [clone_function(layer) for layer in model.layers]
    clone = Sequential(name=model.name)
    if input_tensors is not None:
        tensors = input_tensors if isinstance(input_tensors, (list, tuple)) else [input_tensors]
        if len(tensors) != 1:
            raise ValueError(f"Sequential model {model.name} takes one input; received {len(tensors)} "
                             "input_tensors.")
        clone.add(tensors[0])
    elif model._input_tensor is not None:
        source = model._input_tensor._keras_history.layer
        clone.add(Input(batch_shape=source._batch_input_shape, dtype=source.dtype, name=source.name))
    for layer in layers:
        clone.add(layer)
    return clone


def _clone_functional(model, input_tensors, clone_function):
    if input_tensors is None:
        new_inputs = [Input(batch_shape=x.shape, dtype=x.dtype, name=x._keras_history.layer.name)
                      for x in model.inputs]
    else:
        new_inputs = tree.flatten(input_tensors)
        if len(new_inputs) != len(model.inputs):
            raise ValueError(f"Model {model.name} has {len(model.inputs)} inputs, but "
                             f"{len(new_inputs)} input_tensors were given.")
    clones = {}

    def call_clone(node, values):
        layer = node.outbound_layer
        if id(layer) not in clones:
            # An op (``x + y`` between layers) is not a layer for clone_function: the same
            # function and options are called again on the new tensors, under the same name.
            clones[id(layer)] = (Operation(layer.fn, layer.options, name=layer.name, op_name=layer.op_name)
                                 if isinstance(layer, Operation) else clone_function(layer))
        args, kwargs = node.arguments_with(values)
        return tree.flatten(clones[id(layer)](*args, **kwargs))

    graph = model.graph
    outputs = graph.run(new_inputs, call_clone)
    return Model(tree.pack_sequence_as(graph.input_structure, new_inputs),
                 tree.pack_sequence_as(graph.output_structure, outputs), name=model.name)


saving_hooks.provide(save_model=save_model, save_weights=save_weights, load_weights=load_weights,
                     model_to_json=model_to_json, serialize_layer=serialize_layer,
                     deserialize_layer=deserialize_layer, to_json_safe=serialization.to_json_safe)

__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_from_json", "model_to_json",
           "clone_model", "serialize_layer", "deserialize_layer", "register_keras_serializable",
           "get_custom_objects", "get_registered_name", "get_registered_object", "custom_object_scope",
           "serialize_keras_object", "deserialize_keras_object", "CustomObjectScope",
           "enable_unsafe_deserialization"]
