"""Utilities: plot_model, model_to_dot, to_categorical, set_random_seed, pad_sequences, normalize,
is_keras_tensor, clear_session, PyDataset (alias Sequence), and the custom-object and
object-serialization functions of ``keras.saving``, which Keras 3 exports here too.

This package sits at the top of the import order (it gathers names from the engine and
``saving``), so no module of a lower layer imports from it: the helpers they need live in
``minikeras.common``."""
import gc
import random

import numpy as np

from .. import backend, initializers
from ..engine.data_adapters.py_dataset_adapter import PyDataset, Sequence  # noqa: F401
from ..engine.tensor import KerasTensor as _KerasTensor  # private: keras.utils has no KerasTensor
from ..saving import (CustomObjectScope, custom_object_scope, deserialize_keras_object,  # noqa: F401
                      get_custom_objects, get_registered_name, get_registered_object,
                      register_keras_serializable, serialize_keras_object)
from .numerical_utils import normalize  # noqa: F401
from .sequence_utils import pad_sequences  # noqa: F401


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels: [0, 2] -> [[1, 0, 0], [0, 0, 1]]."""
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if num_classes is None:
        num_classes = int(y.max()) + 1
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"to_categorical: labels must be in [0, {num_classes}), received values from "
                         f"{y.min()} to {y.max()}.")
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (num_classes,))


def set_random_seed(seed):
    """Seed Python's, numpy's and minikeras's random generators, so a run repeats exactly."""
    random.seed(seed)
    np.random.seed(seed)
    initializers.set_seed(seed)


def plot_model(model, to_file="model.png", *args, **kwargs):
    """Draw the model's graph to ``to_file`` (PNG, SVG or PDF) without Graphviz; see utils/plot.py."""
    # utils.plot loads on first use: it imports matplotlib, which would slow `import minikeras`.
    from .plot import plot_model as _plot
    return _plot(model, to_file, *args, **kwargs)


def model_to_dot(model, *args, **kwargs):
    """The model's graph as DOT text, for people who have Graphviz."""
    from .plot import model_to_dot as _to_dot   # loaded on first use, as in plot_model
    return _to_dot(model, *args, **kwargs)


def is_keras_tensor(x):
    """True for the symbolic tensors of model definition (``keras.Input(...)`` and what layers
    make from it), False for arrays and eager Tensors."""
    return isinstance(x, _KerasTensor)


def clear_session(free_memory=True):
    """Reset the automatic layer names (the next Dense is dense_1 again); with ``free_memory``,
    also run Python's garbage collector, as Keras does."""
    backend.clear_session()
    if free_memory:
        gc.collect()
