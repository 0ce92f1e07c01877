"""minikeras: the Keras functional API, small enough to read, with numba kernels.

``import minikeras as keras`` and Keras code runs unchanged.
"""
import gc

from . import backend, initializers, regularizers, activations, ops, layers, models, utils, saving
from . import callbacks, datasets, losses, metrics, optimizers
from . import config, constraints, preprocessing, random
from .ops.tape import GradientTape
from .engine.input_layer import Input
from .engine.model import Model
from .engine.sequential import Sequential

# Keras 3's top-level names for the base classes, the same classes as in the submodules.
from .engine.layer import InputSpec, Layer
from .engine.tensor import KerasTensor
from .initializers import Initializer
from .losses import Loss
from .metrics import Metric
from .ops.tensor import Variable
from .optimizers import Optimizer
from .regularizers import Regularizer

from .version import __version__


def version():
    """The version of minikeras, as ``keras.version()`` gives Keras's."""
    return __version__

from . import applications  # noqa: E402  (keras.applications: model builders on top of everything)

# The objects importing minikeras made (its modules and classes, numba's and SciPy's type
# tables: about 75,000 here) live as long as the process. Frozen, the garbage collector
# leaves them out of every later full collection (32 ms each), including the interpreter's
# own collections at exit: a new process training the seed CNN once took 0.77-0.79 s
# instead of 0.93-0.98, its exit 0.05 s instead of 0.20 (issue 16's warm start).
# ``gc.unfreeze()`` gives them back to the collector.
gc.freeze()
