import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from gradient_check import numeric_gradient, relative_error
from probes_ch18 import check_gradient_of, numeric_gradient_keeps_x


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
    # next to your code (probes_ch18.py), where x is the very array numeric_gradient gets
    kept = numeric_gradient_keeps_x(x)
    np.testing.assert_array_equal(kept["x_after"], before, err_msg="numeric_gradient changed x")
    np.testing.assert_allclose(kept["grad"], 3 * before ** 2, rtol=1e-6, atol=1e-8)


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
    # The functions are recorded on your tape next to your code (probes_ch18.py).
    assert check_gradient_of("tanh_matmul", x, w) < 1e-6
    assert check_gradient_of("softplus", x) < 1e-6
    assert check_gradient_of("broken_softplus", x) > 1e-2
