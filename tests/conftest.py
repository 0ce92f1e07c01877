import numpy as np
import pytest

import minikeras


@pytest.fixture(autouse=True)
def fresh_session():
    """Every test starts with Keras-2 names from _1 and float32, as a new Python process would."""
    minikeras.backend.clear_session()
    minikeras.backend.set_floatx("float32")
    minikeras.utils.set_random_seed(1234)
    yield
    minikeras.backend.set_floatx("float32")


@pytest.fixture
def float64():
    minikeras.backend.set_floatx("float64")
    yield
    minikeras.backend.set_floatx("float32")


def numeric_gradient(f, x, eps=1e-6):
    """Central finite differences of the scalar function f at the float64 array x."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad
