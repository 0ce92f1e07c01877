"""minikeras: the Keras functional API, small enough to read, with numba kernels.

``import minikeras as keras`` and Keras code runs unchanged.
"""
from . import backend, initializers, regularizers, activations, ops, layers, models, utils, saving
from . import callbacks, datasets, losses, metrics, optimizers
from . import constraints, random
from .ops.tape import GradientTape
from .engine.input_layer import Input
from .engine.functional import Model
from .engine.sequential import Sequential

__version__ = "0.1.0"
