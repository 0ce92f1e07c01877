import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from gradient_check import check_gradient, numeric_gradient, relative_error


def broken_softplus(x):
    """softplus with a wrong hand-written gradient (sigmoid(x) forgotten: it returns g)."""
    def forward(x):
        return np.log1p(np.exp(x)), lambda g: (g,)
    return ops.apply(forward, x)


@pytest.mark.exercise("ch18.gradient_check", points=1)
def test_numeric_gradient_matches_the_tape():
    x = np.random.default_rng(0).normal(size=(3, 4))

    def f(a):
        t = ops.convert_to_tensor(a, dtype="float64")     # float64 arrays would become float32
        return float(ops.sum(ops.tanh(t) * t))

    t = ops.convert_to_tensor(x, dtype="float64")
    with keras.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(ops.tanh(t) * t)
    want = tape.gradient(y, t).numpy()
    before = x.copy()
    got = numeric_gradient(f, x)
    assert np.shape(got) == x.shape
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(x, before)


@pytest.mark.exercise("ch18.gradient_check", points=1)
def test_relative_error():
    a = np.array([1.0, 2.0, 0.0])
    assert relative_error(a, a) == 0.0
    np.testing.assert_allclose(relative_error(np.array([1.0]), np.array([1.1])), 0.1 / 2.1)
    np.testing.assert_allclose(relative_error(np.array([[1.0, 3.0]]), np.array([[1.0, -3.0]])), 1.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


@pytest.mark.exercise("ch18.gradient_check", points=1)
def test_minikeras_ops_pass_and_a_broken_op_fails():
    x = np.random.default_rng(1).normal(size=(4, 3))
    w = np.random.default_rng(2).normal(size=(3, 2))
    assert check_gradient(lambda t: ops.tanh(ops.matmul(t, w)), x) < 1e-6
    assert check_gradient(ops.softplus, x) < 1e-6
    assert check_gradient(broken_softplus, x) > 1e-2
