import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minikeras as keras
from minikeras import ops

from unbroadcast_rule import broadcast_shape, unbroadcast

# What this exercise asks you to write, minikeras (and numpy) has: a submission may not use it.
FORBID = ["minikeras.ops.unbroadcast", "minikeras.ops.core.unbroadcast", "minikeras.ops.core.broadcast_shapes",
          "numpy.broadcast_shapes"]

dims = st.integers(min_value=1, max_value=4)


@st.composite
def broadcastable_pair(draw):
    """A result shape and an operand shape that broadcasts to it."""
    full = tuple(draw(st.lists(dims, min_size=0, max_size=4)))
    keep = draw(st.integers(min_value=0, max_value=len(full)))
    operand = tuple(1 if draw(st.booleans()) else n for n in full[len(full) - keep:])
    return full, operand


@pytest.mark.exercise("ch17.unbroadcast", points=1, forbid=FORBID)
@settings(max_examples=60)
@given(broadcastable_pair())
def test_broadcast_shape_is_numpys(pair):
    full, operand = pair
    assert tuple(broadcast_shape(full, operand)) == np.broadcast_shapes(full, operand)
    assert tuple(broadcast_shape(operand, full)) == np.broadcast_shapes(operand, full)


@pytest.mark.exercise("ch17.unbroadcast", points=1, forbid=FORBID)
def test_incompatible_shapes_raise():
    with pytest.raises(ValueError):
        broadcast_shape((3, 4), (5,))
    with pytest.raises(ValueError):
        broadcast_shape((2, 3, 1), (2, 1, 2, 2))


@pytest.mark.exercise("ch17.unbroadcast", points=1, forbid=FORBID)
@settings(max_examples=60)
@given(broadcastable_pair(), st.integers(0, 2**16))
def test_unbroadcast_matches_minikeras(pair, seed):
    full, operand = pair
    g = np.random.default_rng(seed).normal(size=full)
    got = unbroadcast(g, operand)
    assert np.shape(got) == operand
    np.testing.assert_allclose(got, ops.unbroadcast(g, operand), rtol=1e-12, atol=1e-12)


@pytest.mark.exercise("ch17.unbroadcast", points=1, forbid=FORBID)
def test_the_gradient_of_a_bias_add():
    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.normal(size=(6, 4, 3)), dtype="float64")
    b = ops.convert_to_tensor(rng.normal(size=(4, 1)), dtype="float64")
    g = rng.normal(size=(6, 4, 3))
    with keras.GradientTape() as tape:
        tape.watch([x, b])
        y = x * b + b
    _, db = tape.gradient(y, [x, b], output_gradients=g)
    mine = unbroadcast(g * x.numpy(), (4, 1)) + unbroadcast(g, (4, 1))
    np.testing.assert_allclose(mine, db.numpy(), rtol=1e-10)
