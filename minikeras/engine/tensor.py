"""Symbolic tensors: the values that flow between layers while a model is being defined.

A ``KerasTensor`` holds no numbers, only a shape (batch axis ``None``), a dtype, and its
history: which layer made it, at which call (node index), and which of that call's
outputs it is (tensor index). Following the histories back from a model's outputs is
how ``Model`` discovers the graph.
"""
from collections import namedtuple

from .. import backend

KerasHistory = namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])


def _operator(name, reflected=False):
    def method(self, *others):
        # Imported at the first operator, not with this module: ops builds on KerasTensor, and
        # this is the one import cycle in the package (ops <-> the operators of its tensors).
        from .. import ops
        fn = getattr(ops, name)
        return fn(others[0], self) if reflected else fn(self, *others)
    method.__name__ = name
    return method


class TensorOperators:
    """Python's operators (``+``, ``*``, ``@``, ``[]``, ...) as minikeras.ops calls, shared by
    eager Tensors and symbolic KerasTensors: the ops know both the numbers and the shape rules."""

    __slots__ = ()
    __add__, __radd__ = _operator("add"), _operator("add", True)
    __sub__, __rsub__ = _operator("subtract"), _operator("subtract", True)
    __mul__, __rmul__ = _operator("multiply"), _operator("multiply", True)
    __truediv__, __rtruediv__ = _operator("true_divide"), _operator("true_divide", True)
    __matmul__, __rmatmul__ = _operator("matmul"), _operator("matmul", True)
    __pow__, __rpow__ = _operator("power"), _operator("power", True)
    __mod__, __rmod__ = _operator("mod"), _operator("mod", True)
    __floordiv__, __rfloordiv__ = _operator("floor_divide"), _operator("floor_divide", True)
    __neg__ = _operator("negative")
    __abs__ = _operator("abs")
    __invert__ = _operator("logical_not")
    __and__, __rand__ = _operator("logical_and"), _operator("logical_and", True)
    __or__, __ror__ = _operator("logical_or"), _operator("logical_or", True)
    __xor__, __rxor__ = _operator("logical_xor"), _operator("logical_xor", True)
    __getitem__ = _operator("getitem")
    __gt__, __lt__ = _operator("greater"), _operator("less")
    __ge__, __le__ = _operator("greater_equal"), _operator("less_equal")
    T = property(_operator("transpose"))
    _cast = _operator("cast")   # for convert_to_tensor(tensor, dtype), which ops.core builds on


class KerasTensor(TensorOperators):
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


def is_symbolic(x):
    return isinstance(x, KerasTensor)
