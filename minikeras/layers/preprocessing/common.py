"""What every preprocessing layer shares: a base class that reads Python lists as one input,
reading ``adapt()`` data, and refusing text
where numbers are expected (and numbers where text is expected) with a clear message."""
import numpy as np

from ... import tree
from ...engine.layer import Layer
from ...engine.tensor import KerasTensor
from ...ops.tensor import Tensor, is_string, to_numpy


class PreprocessingLayer(Layer):
    """Base of the preprocessing layers.

    A (nested) Python list of values is one input, as in Keras
    (``StringLookup(vocabulary=v)([["a", "b"]])``), not a list of separate inputs. And a
    symbolic input of the wrong kind (text into a numeric layer, numbers into a text layer)
    is refused when the model is defined, not when data first flows."""

    _input_kind = "number"  # "number", "text", or "any"

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple)) and not any(
                isinstance(t, (Tensor, KerasTensor, np.ndarray)) for t in tree.flatten(inputs)):
            inputs = np.asarray(inputs)
        if isinstance(inputs, KerasTensor):
            self._check_symbolic_kind(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _expected_kind(self):
        return self._input_kind

    def _check_symbolic_kind(self, tensor):
        where = f"Layer {self.name} ({type(self).__name__})"
        kind = self._expected_kind()
        if kind == "number" and tensor.dtype == "string":
            raise TypeError(f"{where} expects numbers, but its input {tensor.name} has dtype string. Turn text "
                            "into numbers first with StringLookup, TextVectorization or Hashing.")
        if kind == "text" and tensor.dtype != "string":
            raise TypeError(f"{where} expects text, but its input {tensor.name} has dtype {tensor.dtype}. Give "
                            "the model a string input: keras.Input(shape=(1,), dtype='string').")


def numeric_input(layer, inputs):
    """Refuse a string tensor reaching a layer that computes on numbers."""
    if is_string(inputs):
        raise TypeError(
            f"Layer {layer.name} ({type(layer).__name__}) expects numbers, but received a string "
            "tensor. Turn text into numbers first with StringLookup, TextVectorization or Hashing.")
    return inputs


def batches(data):
    """``adapt()`` data as a list of numpy arrays: one array (the whole data set), a Tensor,
    or any iterable of batches (a list of arrays, a generator, a keras PyDataset-like object
    whose items are batches or (x, y) pairs)."""
    if isinstance(data, (np.ndarray, Tensor)):
        return [to_numpy(data)]
    if isinstance(data, (list, tuple)) and data and not isinstance(data[0], (np.ndarray, Tensor, list, tuple)):
        return [np.asarray(data)]  # a plain list of values is one batch
    if hasattr(data, "__iter__"):
        out = []
        for batch in data:
            if isinstance(batch, tuple):  # (x, y) or (x, y, sample_weight): adapt reads x only
                batch = batch[0]
            out.append(to_numpy(batch) if isinstance(batch, Tensor) else np.asarray(batch))
        if not out:
            raise ValueError("adapt() received an empty iterable (no batches). Pass an array, or a "
                             "non-empty iterable of batches.")
        return out
    raise TypeError(f"adapt() expects a numpy array, a Tensor or an iterable of batches, received "
                    f"{type(data).__name__}.")


def as_list(value):
    """A config value Keras writes as a tuple or numpy array, as a JSON-friendly list."""
    if value is None:
        return None
    return np.asarray(value).tolist()
