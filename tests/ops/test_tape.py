"""minikeras.ops.tape: what a GradientTape records, and how gradients are summed."""
import numpy as np
import pytest

from minikeras import kernels, ops


def test_variables_are_watched_and_constants_are_not():
    w = ops.Variable(np.ones((2, 2)), name="w")
    frozen = ops.Variable(np.ones((2,)), name="f", trainable=False)
    x = np.ones((3, 2), dtype="float32")
    with ops.GradientTape() as tape:
        y = ops.sum(ops.matmul(x, w) + frozen)
    gw, gf = tape.gradient(y, [w, frozen])
    np.testing.assert_allclose(np.asarray(gw), np.full((2, 2), 3.0))
    assert gf is None


def test_nothing_is_recorded_outside_a_tape():
    w = ops.Variable(np.ones((2, 2)))
    y = ops.matmul(np.ones((1, 2)), w)
    assert y._backward is None and y._parents is None


def test_tape_is_single_use_unless_persistent():
    w = ops.Variable(np.ones(3))
    with ops.GradientTape() as tape:
        y = ops.sum(ops.square(w))
    tape.gradient(y, w)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, w)
    with ops.GradientTape(persistent=True) as tape:
        y = ops.sum(ops.square(w))
    assert np.allclose(tape.gradient(y, w), 2) and np.allclose(tape.gradient(y, w), 2)


def test_diamond_graph_sums_gradients():
    w = ops.Variable(np.array([2.0]))
    with ops.GradientTape() as tape:
        a = w * 3.0
        y = ops.sum(a * a + a)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, w)), [2 * 9 * 2 + 3])


def test_watch_requires_a_tensor():
    with ops.GradientTape() as tape, pytest.raises(TypeError, match="convert_to_tensor"):
        tape.watch(np.ones(2))


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_gradients_reaching_a_tensor_twice_are_summed_on_either_backend(backend):
    # a residual-sized sum goes through kernels.selected.add (the fast backend reuses memory for it)
    w = ops.Variable(np.linspace(-1, 1, 512 * 256, dtype="float32").reshape(512, 256))
    previous = kernels.use(backend)
    try:
        with ops.GradientTape() as tape:
            y = ops.sum(ops.add(ops.square(w), ops.multiply(w, 3.0)))
        g = np.asarray(tape.gradient(y, w))
    finally:
        kernels.use(previous)
    np.testing.assert_allclose(g, 2 * np.asarray(w) + 3, rtol=1e-6)
