"""Compile every numba kernel a graded exercise may run, once, before any clock starts.

``minikeras.kernels.warmup()`` covers the layer kernels (dense, conv, pooling, recurrent).
The optimizers' update kernels live in ``minikeras/optimizers/kernels.py`` and numba compiles
one version per number of dimensions of a weight, so each optimizer (and each of its variants
that takes another kernel path) updates a weight of 1, 2, 3 and 4 dimensions here. The grader
runs this into its cache (``minikeras-grade --prepare`` and before each grading); each worker
gets a copy, so nothing is compiled per exercise.
"""
import numpy as np

import minikeras.kernels
from minikeras import optimizers
from minikeras.ops.tensor import Variable

OPTIMIZERS = [
    optimizers.SGD, lambda: optimizers.SGD(momentum=0.9), lambda: optimizers.SGD(momentum=0.9, nesterov=True),
    optimizers.RMSprop, lambda: optimizers.RMSprop(momentum=0.9, centered=True),
    optimizers.Adam, lambda: optimizers.Adam(amsgrad=True), optimizers.AdamW,
    optimizers.Adagrad, optimizers.Adadelta, optimizers.Nadam, optimizers.Adamax, optimizers.Lion,
]
SHAPES = [(3,), (2, 3), (2, 2, 3), (1, 2, 2, 3)]


def warmup(dtype="float32"):
    minikeras.kernels.warmup(dtype)
    for make in OPTIMIZERS:
        for shape in SHAPES:
            variable = Variable(np.zeros(shape, dtype))
            make().apply([np.ones(shape, dtype)], [variable])


if __name__ == "__main__":
    warmup()
