"""``Input()``: the symbolic tensor a functional model starts from."""
import numpy as np

from .. import backend
from .layer import Layer
from ..ops.node import Node
from .tensor import KerasTensor


class InputLayer(Layer):
    """Owns one node with no inbound layers; its output is the model's input tensor."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, batch_input_shape=None, batch_shape=None, **kwargs):
        if not name:
            name = "input_" + str(backend.get_uid("input"))
        batch_input_shape = batch_shape if batch_shape is not None else batch_input_shape
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError(f"InputLayer {name}: provide `shape` (the shape of one sample, "
                                 "without the batch axis), e.g. Input(shape=(784,)).")
            batch_input_shape = (batch_size,) + tuple(input_shape)
        batch_input_shape = _check_shape(batch_input_shape, name)
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._batch_input_shape = batch_input_shape
        self.sparse = sparse
        self.built = True
        tensor = KerasTensor(batch_input_shape, self.dtype, name=name)
        Node(self, output_tensors=[tensor])

    def get_config(self):
        return {"batch_shape": list(self._batch_input_shape), "dtype": self.dtype,
                "sparse": self.sparse, "ragged": False, "name": self.name, "optional": False}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        shape = config.pop("batch_shape", None) or config.pop("batch_input_shape", None)
        config.pop("ragged", None)
        config.pop("optional", None)
        return cls(batch_input_shape=tuple(shape), **config)


def _check_shape(shape, name):
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"Input {name}: `shape` must be a tuple of integers, received {shape!r}. "
                        "For one feature axis write shape=(10,), with the comma.") from None
    for d in shape:
        valid = d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0)
        if not valid:
            raise TypeError(f"Input {name}: every dimension of `shape` must be a non-negative integer "
                            f"or None, received shape {shape[1:]} (dimension {d!r}).")
    return shape


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,
          batch_shape=None, **kwargs):
    """Make a symbolic input tensor. ``shape`` excludes the batch axis: Input(shape=(28, 28, 1))."""
    if "batch_input_shape" in kwargs:
        batch_shape = kwargs.pop("batch_input_shape")
    if kwargs:
        raise TypeError(f"Input() got an unexpected keyword argument {sorted(kwargs)[0]!r}.")
    if shape is None and batch_shape is None:
        raise ValueError("Please provide to Input a `shape` argument (the shape of one sample, "
                         "without the batch axis), e.g. Input(shape=(784,)).")
    if shape is not None and not isinstance(shape, (tuple, list)):
        hint = f" Write shape=({shape},) with the comma." if isinstance(shape, (int, np.integer)) else ""
        raise TypeError(f"Input: `shape` must be a tuple of integers, received {shape!r}.{hint}")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].output_tensors[0]
