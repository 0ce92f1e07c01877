"""minikeras.ops.tensor: conversion to tensors and the float type of Python numbers."""
import numpy as np

from minikeras import ops


def test_python_floats_become_floatx():
    assert ops.convert_to_tensor(np.ones(2)).dtype == "float32"
    assert ops.convert_to_tensor(np.ones(2, dtype="int32")).dtype == "int32"


def test_python_numbers_take_the_tensor_float_type():
    x = ops.convert_to_tensor(np.ones(3, dtype="float32"))
    assert (3 * x).dtype == "float32" and (x * 2.5).dtype == "float32" and (x / 2).dtype == "float32"
    w = ops.Variable(np.ones(2), dtype="float32")
    with ops.GradientTape() as tape:
        y = ops.sum(w * 3)
    assert tape.gradient(y, w).dtype == "float32"
    assert (ops.convert_to_tensor(np.arange(3)) * 2).dtype == "int64"
