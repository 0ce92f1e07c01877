"""minikeras.ops.core: every differentiable operation against finite differences, and symbolic
shape inference."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.conftest import numeric_gradient
from tests.ops.test_numpy import check_gradients

rng = np.random.default_rng(0)


def _check(fn, *shapes, positive=False, atol=1e-6):
    """The ops suite's gradient check (tests/ops/test_numpy.py), on positive inputs if asked."""
    check_gradients(fn, *shapes, low=0.5 if positive else None, high=2.0, atol=atol)


UNARY = [ops.exp, ops.tanh, ops.sigmoid, ops.relu, ops.square, ops.negative, ops.softplus, ops.softsign,
         ops.elu, ops.selu, ops.silu, ops.gelu, ops.sin, ops.cos, lambda x: ops.softmax(x, axis=-1),
         lambda x: ops.log_softmax(x, axis=0), lambda x: ops.leaky_relu(x, 0.1), ops.hard_sigmoid]


@pytest.mark.parametrize("fn", UNARY)
def test_unary_gradients(fn, float64):
    _check(fn, (3, 4))


@pytest.mark.parametrize("fn", [ops.log, ops.sqrt])
def test_positive_domain_gradients(fn, float64):
    _check(fn, (3, 4), positive=True)


@pytest.mark.parametrize("fn", [ops.add, ops.subtract, ops.multiply, ops.maximum, ops.minimum])
def test_broadcasting_binary_gradients(fn, float64):
    _check(fn, (2, 3, 4), (3, 1))


def test_divide_and_power_gradients(float64):
    _check(ops.divide, (3, 4), (4,), positive=True)
    _check(lambda a, b: ops.power(a, b), (3, 4), (3, 4), positive=True)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5))])
def test_matmul_gradients(shapes, float64):
    _check(ops.matmul, *shapes)


@pytest.mark.parametrize("fn", [
    lambda x: ops.sum(x, axis=1), lambda x: ops.mean(x, axis=(0, 2), keepdims=True),
    lambda x: ops.max(x, axis=-1), lambda x: ops.min(x, axis=0), lambda x: ops.reshape(x, (6, 4)),
    lambda x: ops.transpose(x, (2, 0, 1)), lambda x: ops.expand_dims(x, 1), lambda x: x[:, 1:, ::2],
    lambda x: ops.flip(x, 1), lambda x: ops.repeat(x, 2, axis=1), lambda x: ops.tile(x, (1, 2, 1)),
    lambda x: ops.pad(x, ((0, 0), (1, 2), (0, 1))), lambda x: ops.clip(x, -0.5, 0.5),
    lambda x: ops.concatenate([x, ops.square(x)], axis=1), lambda x: ops.stack([x, x], axis=0),
    lambda x: ops.split(x, 2, axis=2)[1], lambda x: ops.broadcast_to(x[:, :1], (2, 3, 4)),
])
def test_shape_and_reduction_gradients(fn, float64):
    _check(fn, (2, 3, 4))


def test_take_gradient_adds_repeated_rows(float64):
    table = ops.Variable(rng.normal(size=(5, 3)), dtype="float64")
    with ops.GradientTape() as tape:
        y = ops.sum(ops.take(table, np.array([[1, 1], [4, 0]])))
    g = np.asarray(tape.gradient(y, table))
    np.testing.assert_allclose(g[:, 0], [1, 2, 0, 0, 1])


def test_symbolic_shapes():
    x = KerasTensor((None, 5, 3))
    assert ops.matmul(x, np.ones((3, 7), "float32")).shape == (None, 5, 7)
    assert ops.add(x, KerasTensor((None, 1, 3))).shape == (None, 5, 3)
    assert ops.sum(x, axis=1).shape == (None, 3)
    assert ops.reshape(x, (-1, 15)).shape == (None, 15)
    assert ops.concatenate([x, x], axis=1).shape == (None, 10, 3)
    assert x[:, 0].shape == (None, 3)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        ops.add(x, KerasTensor((None, 4)))


def test_take_gradient_with_a_matrix_of_indices_on_a_later_axis(float64):
    _check(lambda x: ops.take(x, np.array([[0, 2], [1, 1]]), axis=1), (2, 3, 4))
    _check(lambda x: ops.take(x, np.array([[3, 0], [1, 3]]), axis=-1), (2, 3, 4))


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap"])
def test_pad_modes_values_and_gradients(mode, float64):
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(ops.pad(x, ((1, 2), (2, 1)), mode=mode).numpy(),
                                  np.pad(x, ((1, 2), (2, 1)), mode=mode))
    _check(lambda t: ops.pad(t, ((1, 2), (0, 2)), mode=mode), (3, 4))


def test_pad_errors_and_keras_arguments(float64):
    with pytest.raises(ValueError, match="mode"):
        ops.pad(np.ones(3), ((1, 1),), mode="linear_ramp")
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(np.ones(3), ((1, 1),), mode="reflect", constant_values=2)
    assert ops.pad(np.ones(2), ((1, 0),), "constant", 5).numpy().tolist() == [5, 1, 1]
    assert ops.clip(np.array([-2.0, 2.0]), x_min=-1, x_max=1).numpy().tolist() == [-1, 1]
    assert float(ops.max(np.array([1.0, 2.0]), initial=5.0)) == 5
    _check(lambda t: ops.max(t, axis=1, initial=0.0), (3, 4))
    _check(lambda t: ops.elu(t, alpha=0.5), (3, 4))
    _check(lambda t: ops.gelu(t, approximate=True), (3, 4))
    _check(lambda t: ops.gelu(t, approximate=False), (3, 4))
