"""Chapter 18, exercise ch18.gradient_check: reference solution."""

import numpy as np

import minikeras as keras
from minikeras import ops


def numeric_gradient(f, x, eps=1e-5):
    """Reference solution."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = f(x)
        flat[i] = saved - eps
        down = f(x)
        flat[i] = saved
        out[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b):
    """Reference solution."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def check_gradient(fn, x, seed=0):
    """Reference solution."""
    x = np.asarray(x, dtype=np.float64)
    out_shape = np.shape(fn(ops.convert_to_tensor(x, dtype="float64")))
    r = ops.convert_to_tensor(np.random.default_rng(seed).normal(size=out_shape), dtype="float64")

    def loss_value(array):
        return float(ops.sum(fn(ops.convert_to_tensor(array, dtype="float64")) * r))

    t = ops.convert_to_tensor(x, dtype="float64")
    with keras.GradientTape() as tape:
        tape.watch(t)
        loss = ops.sum(fn(t) * r)
    analytic = tape.gradient(loss, t).numpy()
    return relative_error(analytic, numeric_gradient(loss_value, x))
