"""Weight penalties: ``kernel_regularizer=l2(0.01)`` adds 0.01 * sum(w**2) to the loss."""
import numpy as np

from . import backend, ops
from .common import object_config as _config   # private name: Keras's module exports no helpers


class Regularizer:
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


class OrthogonalRegularizer(Regularizer):
    """Push the rows (or columns) of a 2-D kernel towards being orthogonal to each other.

    After scaling each row to unit length, the penalty is ``factor`` times the mean absolute
    cosine between pairs of different rows: 0 when they are orthogonal.
    """

    def __init__(self, factor=0.01, mode="rows"):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor < float("inf"):
            raise ValueError(f"Invalid value for argument factor: expected a non-negative float, "
                             f"received factor={factor!r}.")
        if mode not in ("rows", "columns"):
            raise ValueError("Invalid value for argument `mode`. Expected one of {'rows', 'columns'}. "
                             f"Received: mode={mode!r}")
        self.factor = float(np.float32(factor))  # Keras keeps it as a float32 tensor
        self.mode = mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={x.shape}")
        axis = 1 if self.mode == "rows" else 0
        norms = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        unit = ops.divide(x, ops.maximum(norms, backend.epsilon()))
        product = ops.matmul(unit, ops.transpose(unit)) if axis == 1 else ops.matmul(ops.transpose(unit), unit)
        size = x.shape[1 - axis]
        off_diagonal = ops.multiply(product, 1.0 - np.eye(size, dtype=np.dtype(x.dtype)))
        pairs = size * (size - 1.0) / 2.0
        return ops.multiply(self.factor * 0.5 / pairs, ops.sum(ops.abs(off_diagonal)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, orthogonal_regularizer = L1, L2, OrthogonalRegularizer
_CLASSES = {"L1L2": L1L2, "L1": L1, "L2": L2, "l1": L1, "l2": L2, "l1_l2": L1L2,
            "OrthogonalRegularizer": OrthogonalRegularizer, "orthogonal_regularizer": OrthogonalRegularizer}


def get(identifier):
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _CLASSES:
        return _CLASSES[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _CLASSES:
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Unknown regularizer: {identifier!r}.")


def serialize(regularizer):
    if regularizer is None:
        return None
    return _config.object_config(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    """A regularizer from ``serialize``'s dict (``custom_objects`` may name your own classes)."""
    return _config.object_from_config(config, {k: v for k, v in _CLASSES.items() if k[0].isupper()},
                              "regularizer", custom_objects)
