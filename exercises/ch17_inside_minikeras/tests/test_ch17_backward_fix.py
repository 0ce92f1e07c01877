import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from probes_ch17 import scaled_bias_add_on_tape, sgd_step_on_bias


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
    x = rng.normal(size=(4, 3)).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    # The tape runs next to your code (probes_ch17.py): a Tensor cannot cross to it.
    got = scaled_bias_add_on_tape(x, bias, 2.5, np.ones((4, 3), "float32"), bias_is_variable=True)
    np.testing.assert_allclose(got["y"], 2.5 * (x + bias), rtol=1e-6)
    assert len(got["parents"]) == 2, "write it as one ops.apply operation"
    np.testing.assert_array_equal(got["parents"][0], x)
    np.testing.assert_array_equal(got["parents"][1], bias)
    assert got["parents_are_x_and_bias"]


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_gradients_match_the_composed_ops():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3)).astype("float32")
    bias = rng.normal(size=3).astype("float32")
    g = rng.normal(size=(5, 3)).astype("float32")
    want_x, want_b = composed_grads(x, bias, -1.5, g)
    got_x, got_b = scaled_bias_add_on_tape(x, bias, -1.5, g, bias_is_variable=True)["grads"]
    assert got_b.shape == (3,)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_an_optimizer_can_use_the_bias_gradient():
    x = np.ones((8, 3), "float32")
    bias = sgd_step_on_bias(x, 2.0, 0.1, 3)   # one SGD step next to your code (probes_ch17.py)
    np.testing.assert_allclose(bias, -0.1 * 2.0 * 8, rtol=1e-6)
