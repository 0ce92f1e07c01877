"""Eager values: ``Tensor`` (numbers plus, under a tape, how they were made) and ``Variable``.

A Tensor wraps a numpy array. When a ``GradientTape`` is recording and an operation
reads a Variable or a watched Tensor, the result remembers its parents and a closure
that sends the gradient back to them (see ``tape.py``). Outside a tape nothing is kept.
"""
import numpy as np

from .. import backend, initializers
from ..engine.tensor import TensorOperators


class Tensor(TensorOperators):
    __slots__ = ("value", "_parents", "_backward", "_watched", "_keras_mask", "__weakref__")

    def __init__(self, value):
        self.value = value
        self._parents = None
        self._backward = None
        self._watched = False
        self._keras_mask = None   # the mask a layer gave this output (engine/masking.py)

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
    """A weight: a Tensor whose value the optimizer changes in place.

    This is ``keras.Variable``, with Keras 3's signature: ``Variable(value)`` or
    ``Variable(initializer, shape=...)`` where the initializer is a name ("zeros"), an
    Initializer or a callable ``(shape, dtype) -> array``. ``aggregation`` and
    ``synchronization`` only matter to distributed training, which minikeras does not do;
    they are checked and kept so that Keras code reading them works.
    """

    __slots__ = ("name", "path", "trainable", "regularizer", "constraint", "initializer",
                 "autocast", "aggregation", "synchronization")

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, path=None):
        name = name or "variable"
        value = _initial_value(initializer, shape, dtype, name)
        if dtype is None:
            kind = np.asarray(value).dtype.kind
            dtype = backend.floatx() if kind == "f" else np.asarray(value).dtype
        # C order always: the kernels expect it, and views of the value must alias it
        super().__init__(np.array(value, dtype=backend.standardize_dtype(dtype), order="C"))
        for arg, given, allowed in (("aggregation", aggregation, _AGGREGATIONS),
                                    ("synchronization", synchronization, _SYNCHRONIZATIONS)):
            if given not in allowed:
                raise ValueError(f"Variable '{name}': invalid value for argument `{arg}`. Expected one of "
                                 f"{', '.join(map(repr, allowed))}. Received: {arg}={given!r}")
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.autocast = autocast
        self.aggregation = aggregation or "none"
        self.synchronization = synchronization or "auto"
        self.regularizer = None
        self.constraint = None
        self.initializer = initializer if callable(initializer) or isinstance(initializer, str) else None

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


_AGGREGATIONS = (None, "none", "mean", "sum", "only_first_replica")
_SYNCHRONIZATIONS = (None, "none", "on_read", "on_write", "auto")


def _initial_value(initializer, shape, dtype, name):
    """The starting array of a Variable: the value itself, or an initializer run on ``shape``."""
    if isinstance(initializer, str) or (callable(initializer) and not isinstance(initializer, Tensor)):
        if shape is None:
            raise ValueError(f"Variable '{name}': when creating a Variable from an initializer, the "
                             f"`shape` argument should be specified. Received: initializer={initializer!r} "
                             "and shape=None")
        return initializers.get(initializer)(tuple(shape), dtype=backend.standardize_dtype(dtype))
    value = initializer.value if isinstance(initializer, Tensor) else np.asarray(initializer)
    if shape is not None and tuple(shape) != value.shape:
        raise ValueError(f"Variable '{name}': the initial value has shape {value.shape}, which does not "
                         f"match the `shape` argument {tuple(shape)}.")
    return value


def convert_to_tensor(x, dtype=None):
    """Return ``x`` as a Tensor (a Tensor passes through; arrays and numbers are wrapped).

    Python floats and float64 arrays become floatx, so that a learner's ``np.random.rand``
    data does not silently switch the whole model to float64.
    """
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype != np.dtype(dtype).name:
            return x._cast(dtype)
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
