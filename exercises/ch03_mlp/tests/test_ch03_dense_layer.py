"""ch03.dense_forward, ch03.dense_backward, ch03.dense_params: checked against minikeras
(minikeras.kernels.reference, its numpy references; minikeras.kernels.fast, the numba kernels; the Dense layer)."""
import numpy as np
import pytest

from minikeras.kernels import fast, reference
from minikeras.kernels.activation_codes import activation_code
from minikeras.layers import Dense

from dense_layer import dense_backward, dense_forward, dense_params

# minikeras's Dense kernels: a submission that uses them fails
FORBID_DENSE_FORWARD = [
    "minikeras.kernels.dense.dense_forward",
    "minikeras.kernels.reference.dense.dense_forward",
    "minikeras.kernels.activations.bias_activation_inplace",
    "minikeras.kernels.reference.activations.bias_activation_inplace",
]

# minikeras's Dense backward kernels and its tape: a submission that uses them fails
FORBID_DENSE_BACKWARD = [
    "minikeras.kernels.dense.dense_backward",
    "minikeras.kernels.reference.dense.dense_backward",
    "minikeras.kernels.activations.bias_activation_backward",
    "minikeras.kernels.reference.activations.bias_activation_backward",
    "minikeras.kernels.activations.activation_grad_from_output",
    "minikeras.kernels.reference.activations.activation_grad_from_output",
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
]

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh"]


def random_problem(seed, batch=6, input_dim=5, units=4, dtype=np.float32):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, input_dim)).astype(dtype)
    kernel = rng.normal(size=(input_dim, units)).astype(dtype)
    bias = rng.normal(size=(units,)).astype(dtype)
    return rng, x, kernel, bias


# ------------------------------------------------------------------------------- forward

@pytest.mark.exercise("ch03.dense_forward", points=1, forbid=FORBID_DENSE_FORWARD)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_the_reference(activation):
    _, x, kernel, bias = random_problem(0)
    y = dense_forward(x, kernel, bias, activation)
    expected = reference.dense_forward(x, kernel, bias, activation_code(activation))
    assert y.shape == (6, 4)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch03.dense_forward", points=1, forbid=FORBID_DENSE_FORWARD)
def test_forward_without_bias_matches_the_numba_kernel():
    _, x, kernel, _ = random_problem(1, batch=9, input_dim=7, units=3)
    for activation in ACTIVATIONS:
        y = dense_forward(x, kernel, None, activation)
        expected = fast.dense_forward(x, kernel, None, activation_code(activation))
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch03.dense_forward", points=1, forbid=FORBID_DENSE_FORWARD)
def test_forward_matches_a_dense_layer():
    _, x, kernel, bias = random_problem(2, input_dim=10, units=20)
    layer = Dense(20, activation="relu")
    layer.build((None, 10))
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(dense_forward(x, kernel, bias, "relu"), np.asarray(layer(x)),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError):
        dense_forward(x, kernel, bias, "no_such_activation")


# ------------------------------------------------------------------------------- backward

@pytest.mark.exercise("ch03.dense_backward", points=2, forbid=FORBID_DENSE_BACKWARD)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_matches_the_reference(activation):
    rng, x, kernel, bias = random_problem(3)
    code = activation_code(activation)
    y = reference.dense_forward(x, kernel, bias, code)
    dy = rng.normal(size=y.shape).astype(np.float32)
    dx, dkernel, dbias = dense_backward(x, kernel, y, dy, activation)
    ex, ekernel, ebias = reference.dense_backward(x, kernel, y, dy, code, True)
    assert dx.shape == x.shape and dkernel.shape == kernel.shape and dbias.shape == bias.shape
    np.testing.assert_allclose(dx, ex, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dkernel, ekernel, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dbias, ebias, rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch03.dense_backward", points=1, forbid=FORBID_DENSE_BACKWARD)
def test_backward_without_bias_matches_the_numba_kernel():
    rng, x, kernel, _ = random_problem(4, batch=8, input_dim=3, units=5)
    code = activation_code("sigmoid")
    y = fast.dense_forward(x, kernel, None, code)
    dy = rng.normal(size=y.shape).astype(np.float32)
    dx, dkernel, dbias = dense_backward(x, kernel, y, dy, "sigmoid", use_bias=False)
    ex, ekernel, ebias = fast.dense_backward(x, kernel, y, dy, code, False)
    assert dbias is None and ebias is None
    np.testing.assert_allclose(dx, ex, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dkernel, ekernel, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------- parameters

@pytest.mark.exercise("ch03.dense_params", points=1)
def test_parameter_counts_of_the_chapter_mlp():
    assert [dense_params(10, 10), dense_params(10, 20), dense_params(20, 10), dense_params(10, 1)] == \
        [110, 220, 210, 11]
    for input_dim, units in [(784, 64), (3, 7), (1, 1)]:
        layer = Dense(units)
        layer.build((None, input_dim))
        assert dense_params(input_dim, units) == layer.count_params()
