import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from probes_ch17 import run_backward, topological_positions


class Program:
    """Records tinygraph calls as data: ``p.mul(a, b)`` appends ``("mul", a, b)`` and
    returns the new step's number. Your ``backward`` runs on the graph this describes
    next to your code (probes_ch17.py): a tinygraph Value cannot cross to it."""

    def __init__(self):
        self.steps = []

    def leaf(self, array):
        self.steps.append(("leaf", np.asarray(array, dtype=np.float64)))
        return len(self.steps) - 1

    def __getattr__(self, op):
        if op.startswith("_"):
            raise AttributeError(op)

        def record(*args):
            self.steps.append((op, *args))
            return len(self.steps) - 1
        return record


def tape_grads(build, arrays):
    """Gradients of the same expression, written with minikeras.ops, from GradientTape."""
    tensors = [ops.convert_to_tensor(a, dtype="float64") for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        out = build(*tensors)
    return [g.numpy() for g in tape.gradient(out, tensors)]


@pytest.mark.exercise("ch17.backward", points=1)
def test_a_dense_layer_with_tanh():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    tg = Program()
    leaves = [tg.leaf(a) for a in (x, w, b)]
    loss = tg.total(tg.mul(tg.tanh(tg.add(tg.matmul(leaves[0], leaves[1]), leaves[2])),
                           tg.tanh(tg.add(tg.matmul(leaves[0], leaves[1]), leaves[2]))))
    grads = run_backward(tg.steps)
    want = tape_grads(lambda x, w, b: ops.sum(ops.square(ops.tanh(ops.matmul(x, w) + b))), [x, w, b])
    for leaf_, g in zip(leaves, want):
        np.testing.assert_allclose(grads[leaf_], g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grads[loss], 1.0)


@pytest.mark.exercise("ch17.backward", points=1)
def test_a_value_used_several_times_accumulates():
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 2.0, size=(3, 3))
    tg = Program()
    xv = tg.leaf(x)
    h = tg.relu(tg.sub(tg.exp(xv), xv))
    loss = tg.total(tg.add(tg.mul(h, h), tg.log(tg.add(h, xv))))
    (got,) = run_backward(tg.steps, [xv])
    (want,) = tape_grads(lambda x: ops.sum(ops.square(ops.maximum(ops.exp(x) - x, 0.0))
                                           + ops.log(ops.maximum(ops.exp(x) - x, 0.0) + x)), [x])
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.exercise("ch17.backward", points=1)
def test_topological_order_properties():
    tg = Program()
    a, b = tg.leaf(np.ones(2)), tg.leaf(np.ones(2))
    c = tg.mul(a, b)
    d = tg.add(c, a)
    e = tg.total(tg.mul(d, c))
    order = topological_positions(tg.steps)   # step numbers, in your order
    assert len(order) == 6 and len(set(order)) == 6 and -1 not in order
    position = {step: i for i, step in enumerate(order)}
    for step in order:
        for parent in tg.steps[step][1:] if tg.steps[step][0] != "leaf" else ():
            assert position[parent] < position[step], f"step {parent} must come before step {step}"
    assert order[-1] == e


@pytest.mark.exercise("ch17.backward", points=1)
def test_a_long_chain_does_not_hit_the_recursion_limit():
    start = np.array([0.3, -0.2])
    tg = Program()
    x = tg.leaf(start)
    y = x
    for _ in range(3000):
        y = tg.tanh(y)
    tg.total(y)
    (got,) = run_backward(tg.steps, [x])
    value = start.copy()
    slope = np.ones(2)
    for _ in range(3000):
        value = np.tanh(value)
        slope *= 1 - value ** 2
    np.testing.assert_allclose(got, slope, rtol=1e-9)
