"""Eager values: ``Tensor`` (numbers plus, under a tape, how they were made) and ``Variable``.

A Tensor wraps a numpy array. When a ``GradientTape`` is recording and an operation
reads a Variable or a watched Tensor, the result remembers its parents and a closure
that sends the gradient back to them (see ``tape.py``). Outside a tape nothing is kept.
"""
import numpy as np

from .. import backend
from ..engine.tensor import TensorOperators


class Tensor(TensorOperators):
    __slots__ = ("value", "_parents", "_backward", "_watched", "__weakref__")

    def __init__(self, value):
        self.value = value
        self._parents = None
        self._backward = None
        self._watched = False

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype.name)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    def numpy(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)

    def __len__(self):
        return len(self.value)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __bool__(self):
        return bool(self.value)

    def __repr__(self):
        return f"<Tensor shape={self.shape}, dtype={self.dtype}, numpy=\n{self.value!r}>"


class Variable(Tensor):
    """A weight: a Tensor whose value the optimizer changes in place."""

    __slots__ = ("name", "path", "trainable", "regularizer", "constraint", "initializer")

    def __init__(self, value, name="variable", trainable=True, dtype=None, path=None):
        if dtype is None:
            kind = np.asarray(value).dtype.kind
            dtype = backend.floatx() if kind == "f" else np.asarray(value).dtype
        # C order always: the kernels expect it, and views of the value must alias it
        super().__init__(np.array(value, dtype=backend.standardize_dtype(dtype), order="C"))
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.regularizer = None
        self.constraint = None
        self.initializer = None

    def assign(self, value):
        value = np.asarray(value)
        if value.shape != self.value.shape:
            raise ValueError(
                f"Cannot assign a value of shape {value.shape} to variable '{self.path}' "
                f"of shape {self.value.shape}.")
        self.value[...] = value
        return self

    def assign_add(self, delta):
        self.value += np.asarray(delta, dtype=self.value.dtype)
        return self

    def assign_sub(self, delta):
        self.value -= np.asarray(delta, dtype=self.value.dtype)
        return self

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value=\n{self.value!r}>"

    __hash__ = object.__hash__
    __eq__ = object.__eq__


def convert_to_tensor(x, dtype=None):
    """Return ``x`` as a Tensor (a Tensor passes through; arrays and numbers are wrapped).

    Python floats and float64 arrays become floatx, so that a learner's ``np.random.rand``
    data does not silently switch the whole model to float64.
    """
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype != np.dtype(dtype).name:
            from . import core
            return core.cast(x, dtype)
        return x
    value = np.asarray(x)
    if dtype is not None:
        value = value.astype(dtype, copy=False)
    elif value.dtype.kind == "f" and value.dtype.name != backend.floatx():
        value = value.astype(backend.floatx())
    elif value.dtype.kind == "b" or value.dtype.kind in "iu":
        pass
    elif value.dtype.kind in "US" or (value.dtype.kind == "O" and _all_text(value)):
        pass  # text, for the preprocessing layers; numeric operations refuse it (see core.apply)
    elif value.dtype.kind not in "fc":
        raise TypeError(f"Cannot convert {type(x).__name__} with dtype {value.dtype} to a tensor.")
    return Tensor(value)


def _all_text(value):
    return all(isinstance(v, (str, bytes)) for v in value.ravel())


def is_string(x):
    """True for text: a string KerasTensor, or a Tensor/array of str or bytes."""
    dtype = getattr(x, "dtype", None)
    if dtype == "string":
        return True
    value = x.value if isinstance(x, Tensor) else x
    return isinstance(value, np.ndarray) and (value.dtype.kind in "US" or (
        value.dtype.kind == "O" and value.size > 0 and _all_text(value)))


def to_numpy(x):
    return x.value if isinstance(x, Tensor) else np.asarray(x)
