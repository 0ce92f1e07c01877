"""minikeras.ops.control_flow: the Python constructs behind Keras's cond/switch/loops/map/scan,
differentiable through the tape, traced on KerasTensors; and custom_gradient."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients


def test_cond_and_switch():
    x = ops.convert_to_tensor(np.array([1.0, 2.0], "float32"))
    assert ops.cond(ops.greater(ops.sum(x), 2.0), lambda: x * 2, lambda: x).numpy().tolist() == [2, 4]
    assert ops.cond(False, lambda: 1, lambda: 2) == 2
    branches = [lambda a: a + 1, lambda a: a * 10]
    assert ops.switch(1, branches, x).numpy().tolist() == [10, 20]
    assert ops.switch(7, branches, x).numpy().tolist() == [10, 20]     # clamped, as in Keras
    assert ops.switch(-3, branches, x).numpy().tolist() == [2, 3]


def test_symbolic_branches_must_agree():
    x = KerasTensor((None, 3))
    assert ops.cond(KerasTensor((), "bool"), lambda: x * 2, lambda: x).shape == (None, 3)
    with pytest.raises(ValueError, match="same structure"):
        ops.cond(KerasTensor((), "bool"), lambda: x, lambda: ops.sum(x, axis=1))
    with pytest.raises(ValueError, match="single boolean"):
        ops.cond(np.array([True, False]), lambda: 1, lambda: 2)


def test_loops():
    assert ops.fori_loop(0, 5, lambda i, v: v + i, 0) == 10
    a, b = ops.while_loop(lambda a, b: a < 10, lambda a, b: (a + 1, b * 2), (0, 1))
    assert (a, b) == (10, 1024)
    assert ops.while_loop(lambda v: v < 100, lambda v: v * 3, 1, maximum_iterations=2) == 9


def test_map_scan_and_their_gradients(float64):
    check_gradients(lambda x: ops.map(lambda row: ops.sum(ops.square(row)), x), (3, 4))
    check_gradients(lambda x: ops.vectorized_map(lambda row: row * ops.max(row), x), (3, 4))
    check_gradients(lambda x: ops.scan(lambda c, row: (c * row, c + row), ops.ones((4,), "float64"), x)[1],
                    (3, 4))
    check_gradients(lambda x: ops.scan(lambda c, row: (c + row, c), x[0], x, reverse=True)[0], (3, 4))
    check_gradients(lambda x: ops.fori_loop(0, 3, lambda i, v: ops.sin(v) * x, x), (2, 2))


def test_scan_values_and_errors():
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, np.arange(4.0))
    assert float(carry) == 6 and ys.numpy().tolist() == [0, 0, 1, 3]
    carry, ys = ops.scan(lambda c, x: (c * 2, c), 1.0, length=3)
    assert float(carry) == 8 and ys.numpy().tolist() == [1, 2, 4]
    with pytest.raises(ValueError, match="xs` or `length"):
        ops.scan(lambda c, x: (c, c), 0.0)
    out = ops.map(lambda pair: (pair[0] + pair[1], pair[0]), (np.ones((2, 3)), np.ones((2, 3))))
    assert out[0].shape == (2, 3)


def test_custom_gradient_replaces_the_tape_gradient():
    @ops.custom_gradient
    def clip_gradient(x):
        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.clip(upstream, -0.5, 0.5)
        return x * 1.0, grad

    x = ops.Variable(np.array([1.0, 2.0], "float32"))
    with ops.GradientTape() as tape:
        y = ops.sum(clip_gradient(x) * np.array([3.0, -0.1], "float32"))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, -0.1])
    assert clip_gradient(KerasTensor((None, 2))).shape == (None, 2)


def test_custom_gradient_checks_its_gradient_count():
    @ops.custom_gradient
    def f(x, y):
        return x * y, lambda g: g
    a, b = ops.Variable(np.ones(2, "float32")), ops.Variable(np.ones(2, "float32"))
    with ops.GradientTape() as tape:
        out = ops.sum(f(a, b))
    with pytest.raises(ValueError, match="1 gradients for 2 inputs"):
        tape.gradient(out, [a, b])


@pytest.mark.parametrize("name,fn,shapes", [
    ("associative_scan", lambda x: ops.associative_scan(ops.multiply, x, axis=1), [(3, 4)]),
    ("associative_scan_reverse", lambda x: ops.associative_scan(ops.maximum, x, reverse=True), [(3, 4)]),
    ("vectorize", lambda x: ops.vectorize(lambda a: ops.sin(a) * a)(x), [(2, 3)]),
    ("vectorize_signature", lambda x: ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")(x, x[0]),
     [(3, 4)]),
])
def test_scan_and_vectorize_gradients(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_vectorize_excluded_and_errors():
    scale = ops.vectorize(lambda a, factor: a * factor, excluded={1})
    assert scale(np.arange(3.0), 2.0).numpy().tolist() == [0, 2, 4]
    with pytest.raises(ValueError, match="names 2 inputs"):
        ops.vectorize(lambda a: a, signature="(n),(n)->()")(np.ones((2, 3)))
