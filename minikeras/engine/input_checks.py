"""Matching data to a model's inputs: which array feeds which ``Input``, and does it fit.

A model with several inputs can be given its data as a list (input order) or as a dict
(keyed by input name, or by the keys of the dict the model was built from). Whoever
receives data for a model (``fit``, ``evaluate``, ``predict``, ``train_on_batch``...)
asks these functions, and so does a graph model called on arrays or on new symbolic
tensors (``model(x)``), so that a missing name, a surplus array or a wrong shape is
reported in the same words wherever the mistake is made.

They only read ``model.name``, ``model.inputs`` (tensors with a ``.shape``) and
``model.graph``; they import only tensor classes, so every part of the engine may use them.
"""
import numpy as np

from ..ops.tensor import Tensor
from .tensor import KerasTensor


def input_keys(model):
    """The names a data dict must use: the keys of ``Model(inputs={...})``, else the Input names."""
    return model.graph.input_keys


def match_inputs(model, data):
    """The entry of ``data`` for each of ``model.inputs``, as a list in input order.

    A dict is matched by name (every input needs a key; an unknown key is an error, not
    ignored). Anything else is one entry per input: a list or tuple when the model has
    several inputs; for a single input only a list of arrays or tensors is unwrapped, so
    that plain nested Python lists (``[[0.0, 1.0], [1.0, 0.0]]``) stay data.
    """
    names = input_keys(model)
    if isinstance(data, dict):
        missing = [k for k in names if k not in data]
        extra = [k for k in data if k not in names]
        if missing:
            raise ValueError(f"Model {model.name}: no data for input(s) {missing}. The dict keys given "
                             f"are {list(data)}; expected {names}.")
        if extra:
            raise ValueError(f"Model {model.name}: unknown input name(s) {extra} in the data dict; the "
                             f"model's inputs are {names}.")
        return [data[k] for k in names]
    values = split_structure(data, len(names))
    if len(values) != len(names):
        raise ValueError(f"Model {model.name} expects {len(names)} input(s) ({names}), but it received "
                         f"{len(values)} array(s).")
    return values


def split_structure(data, count):
    """One entry per model input (or output), by the rule ``match_inputs`` describes. A
    list made only of arrays or tensors is one entry per item even for a single input:
    two arrays for one input is a mistake to report, not data to stack."""
    if count > 1:
        return list(data) if isinstance(data, (list, tuple)) else [data]
    if isinstance(data, (list, tuple)) and data and all(isinstance(d, (np.ndarray, Tensor, KerasTensor))
                                                        for d in data):
        return list(data)
    return [data]


def check_input_shapes(model, shapes):
    """Each input's shape (``shapes`` in input order) against its ``Input``."""
    for name, shape, ref in zip(input_keys(model), shapes, model.inputs):
        check_input_shape(shape, ref.shape, f"Input '{name}' of model '{model.name}'")


def check_input_shape(shape, expected, where):
    """``shape`` must have the rank of ``expected`` and its sizes wherever both are known
    (the batch axis is free; a symbolic tensor may leave a size open, None). ``where``
    names the input, e.g. "Input 'img' of model 'mnist'"."""
    shape = tuple(shape)
    if len(shape) != len(expected) or any(e is not None and a is not None and e != a
                                           for a, e in zip(shape[1:], expected[1:])):
        hint = ""
        if len(shape) == len(expected) + 1 and shape[-1] == 1:
            hint = " (it has an extra axis of size 1 at the end)"
        elif len(shape) == len(expected) - 1:
            hint = " (one axis fewer than expected: reshape it, e.g. x.reshape(-1, ...))"
        raise ValueError(f"{where} expects arrays of shape {expected} (batch first), but received an array of "
                         f"shape {shape}{hint}.")
