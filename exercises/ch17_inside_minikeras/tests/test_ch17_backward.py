import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

import tinygraph as tg
from tiny_autodiff import backward, topological_order


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
    leaves = [tg.leaf(a) for a in (x, w, b)]
    loss = tg.total(tg.mul(tg.tanh(tg.add(tg.matmul(leaves[0], leaves[1]), leaves[2])),
                           tg.tanh(tg.add(tg.matmul(leaves[0], leaves[1]), leaves[2]))))
    backward(loss)
    want = tape_grads(lambda x, w, b: ops.sum(ops.square(ops.tanh(ops.matmul(x, w) + b))), [x, w, b])
    for leaf_, g in zip(leaves, want):
        np.testing.assert_allclose(leaf_.grad, g, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(loss.grad, 1.0)


@pytest.mark.exercise("ch17.backward", points=1)
def test_a_value_used_several_times_accumulates():
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 2.0, size=(3, 3))
    xv = tg.leaf(x)
    h = tg.relu(tg.sub(tg.exp(xv), xv))
    loss = tg.total(tg.add(tg.mul(h, h), tg.log(tg.add(h, xv))))
    backward(loss)
    (want,) = tape_grads(lambda x: ops.sum(ops.square(ops.maximum(ops.exp(x) - x, 0.0))
                                           + ops.log(ops.maximum(ops.exp(x) - x, 0.0) + x)), [x])
    np.testing.assert_allclose(xv.grad, want, rtol=1e-10, atol=1e-12)


@pytest.mark.exercise("ch17.backward", points=1)
def test_topological_order_properties():
    a, b = tg.leaf(np.ones(2)), tg.leaf(np.ones(2))
    c = tg.mul(a, b)
    d = tg.add(c, a)
    e = tg.total(tg.mul(d, c))
    order = topological_order(e)
    assert len(order) == 6 and len({id(n) for n in order}) == 6
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)], f"{parent} must come before {node}"
    assert order[-1] is e


@pytest.mark.exercise("ch17.backward", points=1)
def test_a_long_chain_does_not_hit_the_recursion_limit():
    x = tg.leaf(np.array([0.3, -0.2]))
    y = x
    for _ in range(3000):
        y = tg.tanh(y)
    backward(tg.total(y))
    value = x.value.copy()
    slope = np.ones(2)
    for _ in range(3000):
        value = np.tanh(value)
        slope *= 1 - value ** 2
    np.testing.assert_allclose(x.grad, slope, rtol=1e-9)
