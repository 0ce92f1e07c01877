"""Categorical encoding: integer category ids to one-hot, multi-hot or count vectors.

``CategoryEncoding`` is the layer; ``encode_categorical`` is the rule shared with the
layers that produce ids themselves (Discretization, Hashing, the lookups,
TextVectorization) when they are asked for ``output_mode="one_hot"`` and friends:

- "one_hot": each id becomes a vector of length ``depth`` with a 1 at the id (a trailing
  axis of size 1 is replaced by the vector);
- "multi_hot": each sample (a row of ids) becomes one vector with a 1 at every id present;
- "count": like multi_hot, but counting how often each id occurs (optionally weighted).
"""
import numpy as np

from ... import ops
from ...ops.tensor import to_numpy
from .common import PreprocessingLayer, numeric_input


def encode_categorical(layer, ids, output_mode, depth, dtype, count_weights=None):
    """Encode the integer array ``ids`` (numpy) as described in the module docstring."""
    ids = np.asarray(ids)
    if ids.dtype.kind == "f":
        if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)):
            raise ValueError(f"Layer {layer.name} ({type(layer).__name__}) expects integer category ids, "
                             "but received floats that are not whole numbers.")
    ids = ids.astype("int64")
    if ids.size and (ids.min() < 0 or ids.max() >= depth):
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): category ids must be in [0, {depth}) "
                         f"(num_tokens={depth}), but received values from {ids.min()} to {ids.max()}.")
    if ids.ndim == 0:
        ids = ids[None]
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        return ops.convert_to_tensor(np.eye(depth, dtype=dtype)[ids])
    axis = 1 if ids.ndim > 1 else 0
    one_hot = np.eye(depth, dtype="float64")[ids]
    if output_mode == "multi_hot":
        return ops.convert_to_tensor(one_hot.max(axis=axis).astype(dtype))
    if count_weights is not None:
        weights = np.asarray(to_numpy(count_weights), dtype="float64")
        if weights.shape != ids.shape:
            raise ValueError(f"Layer {layer.name}: `count_weights` must have the shape of the inputs "
                             f"{ids.shape}, received {weights.shape}.")
        one_hot = one_hot * weights[..., None]
    return ops.convert_to_tensor(one_hot.sum(axis=axis).astype(dtype))


def encoded_shape(input_shape, output_mode, depth):
    """The output shape of ``encode_categorical`` for inputs of ``input_shape``."""
    input_shape = tuple(input_shape)
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


class CategoryEncoding(PreprocessingLayer):
    """Integer ids in [0, num_tokens) to one-hot / multi-hot / count vectors (float32).

    ``CategoryEncoding(num_tokens=4, output_mode="multi_hot")([[0, 1], [3, 3]])`` gives
    ``[[1, 1, 0, 0], [0, 0, 0, 1]]``. In "count" mode, ``layer(ids, count_weights=w)`` adds
    ``w`` instead of 1 for each occurrence."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras 2's name for multi_hot
            output_mode = "multi_hot"
        if output_mode not in ("one_hot", "multi_hot", "count"):
            raise ValueError(f"CategoryEncoding layer {self.name}: unknown output_mode={output_mode!r}; "
                             "expected 'one_hot', 'multi_hot' or 'count'.")
        if num_tokens is None or int(num_tokens) < 1:
            raise ValueError(f"CategoryEncoding layer {self.name}: `num_tokens` must be a positive integer "
                             f"(the number of categories). Received: num_tokens={num_tokens!r}")
        if sparse:
            raise ValueError(f"CategoryEncoding layer {self.name}: sparse=True is not supported in minikeras "
                             "(it has no sparse tensors).")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding layer {self.name}: `count_weights` is only used with "
                             f"output_mode='count', received output_mode={self.output_mode!r}.")
        ids = to_numpy(numeric_input(self, inputs))
        return encode_categorical(self, ids, self.output_mode, self.num_tokens, self.dtype, count_weights)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
