"""Symbolic tensors: the values that flow between layers while a model is being defined.

A ``KerasTensor`` holds no numbers, only a shape (batch axis ``None``), a dtype, and its
history: which layer made it, at which call (node index), and which of that call's
outputs it is (tensor index). Following the histories back from a model's outputs is
how ``Model`` discovers the graph.
"""
from collections import namedtuple

from .. import backend

KerasHistory = namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])


class KerasTensor:
    """A placeholder with a shape and a dtype, produced by calling a layer on an Input."""

    def __init__(self, shape, dtype=None, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = backend.standardize_dtype(dtype)
        self.name = name
        self._keras_history = None  # set by Node when a layer produces this tensor
        self._keras_mask = None     # a KerasTensor for the mask, when a layer emits one

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"KerasTensor(shape={self.shape}, dtype={self.dtype}, name='{self.name}')"

    def __len__(self):
        raise TypeError(
            f"A symbolic tensor ({self.name}, shape {self.shape}) has no length: its batch size "
            "is only known when data flows through the model.")

    def __bool__(self):
        raise TypeError(
            f"A symbolic tensor ({self.name}) has no truth value while a model is being defined. "
            "Use Python control flow on shapes (tensor.shape) instead.")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"A symbolic tensor ({self.name}, shape {self.shape}) has no values: it only describes "
            "what will flow through the model. Build a Model and call predict() to get numbers.")

    # Arithmetic on symbolic tensors goes through minikeras.ops, which knows the shape rules.
    def _op(name):
        def method(self, *others):
            from .. import ops
            return getattr(ops, name)(self, *others)
        return method

    def _rop(name):
        def method(self, other):
            from .. import ops
            return getattr(ops, name)(other, self)
        return method

    __add__, __radd__ = _op("add"), _rop("add")
    __sub__, __rsub__ = _op("subtract"), _rop("subtract")
    __mul__, __rmul__ = _op("multiply"), _rop("multiply")
    __truediv__, __rtruediv__ = _op("divide"), _rop("divide")
    __matmul__, __rmatmul__ = _op("matmul"), _rop("matmul")
    __pow__ = _op("power")
    __neg__ = _op("negative")
    __getitem__ = _op("getitem")
    del _op, _rop


def is_symbolic(x):
    return isinstance(x, KerasTensor)
