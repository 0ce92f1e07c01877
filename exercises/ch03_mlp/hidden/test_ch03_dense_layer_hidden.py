import numpy as np
import pytest

from minikeras import ops
from minikeras.layers import Dense
from minikeras.ops.tape import GradientTape

from dense_layer import dense_backward, dense_forward, dense_params
from probes_ch03 import dense_forward_and_its_arguments

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


@pytest.mark.exercise("ch03.dense_forward", points=1, forbid=FORBID_DENSE_FORWARD)
def test_forward_float64_large_inputs_and_no_mutation():
    rng = np.random.default_rng(10)
    x = rng.normal(scale=30, size=(4, 6))
    kernel, bias = rng.normal(size=(6, 3)), rng.normal(size=(3,))
    x_copy = x.copy()
    y, (x_after, _, _) = dense_forward_and_its_arguments(x, kernel, bias, "sigmoid")
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-(x_copy @ kernel + bias))), rtol=1e-12)
    np.testing.assert_array_equal(x_after, x_copy)   # x as dense_forward left it, where it ran


@pytest.mark.exercise("ch03.dense_backward", points=1, forbid=FORBID_DENSE_BACKWARD)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_backward_matches_minikeras_autodiff_through_a_dense_layer(activation):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    dy = rng.normal(size=(5, 3)).astype(np.float32)
    layer = Dense(3, activation=activation)
    layer.build((None, 4))
    kernel, bias = layer.get_weights()
    bias = rng.normal(size=3).astype(np.float32)
    layer.set_weights([kernel, bias])
    xt = ops.convert_to_tensor(x)
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        loss = ops.sum(y * dy)
    gx, gk, gb = (np.asarray(g) for g in tape.gradient(loss, [xt] + layer.trainable_weights))
    dx, dkernel, dbias = dense_backward(x, kernel, np.asarray(y), dy, activation)
    np.testing.assert_allclose(dx, gx, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dkernel, gk, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dbias, gb, rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch03.dense_params", points=1)
def test_parameter_counts_without_bias():
    for input_dim, units in [(5, 3), (64, 10), (1, 2)]:
        layer = Dense(units, use_bias=False)
        layer.build((None, input_dim))
        assert dense_params(input_dim, units, use_bias=False) == layer.count_params()
    assert dense_params(784, 64, True) == 50240
