import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from backward_fix import scaled_bias_add


def composed_grads(x, bias, scale, g):
    """The same function written with two minikeras ops: the tape's answer."""
    x, bias = ops.convert_to_tensor(x), ops.convert_to_tensor(bias)
    with keras.GradientTape() as tape:
        tape.watch([x, bias])
        y = ops.multiply(scale, ops.add(x, bias))
    return [t.numpy() for t in tape.gradient(y, [x, bias], output_gradients=g)]


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_value_and_one_tape_record():
    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.normal(size=(4, 3)).astype("float32"))
    bias = ops.Variable(rng.normal(size=3).astype("float32"))
    with keras.GradientTape():
        y = scaled_bias_add(x, bias, 2.5)
    np.testing.assert_allclose(y.numpy(), 2.5 * (x.numpy() + bias.numpy()), rtol=1e-6)
    assert y._parents is not None and len(y._parents) == 2, "write it as one ops.apply operation"
    assert y._parents[0] is x and y._parents[1] is bias


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_gradients_match_the_composed_ops():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3)).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    g = rng.normal(size=(5, 3)).astype("float32")
    want_x, want_b = composed_grads(x, bias, -1.5, g)
    xt, bt = ops.convert_to_tensor(x), ops.Variable(bias)
    with keras.GradientTape() as tape:
        tape.watch(xt)
        y = scaled_bias_add(xt, bt, -1.5)
    got_x, got_b = tape.gradient(y, [xt, bt], output_gradients=g)
    assert got_b.shape == (3,)
    np.testing.assert_allclose(got_x.numpy(), want_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b.numpy(), want_b, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_an_optimizer_can_use_the_bias_gradient():
    bias = ops.Variable(np.zeros(3, "float32"))
    x = np.ones((8, 3), "float32")
    optimizer = keras.optimizers.SGD(0.1)
    with keras.GradientTape() as tape:
        loss = ops.sum(scaled_bias_add(x, bias, 2.0))
    optimizer.apply_gradients(zip(tape.gradient(loss, [bias]), [bias]))
    np.testing.assert_allclose(bias.numpy(), -0.1 * 2.0 * 8, rtol=1e-6)
