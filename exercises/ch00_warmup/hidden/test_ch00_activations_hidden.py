import numpy as np
import pytest

from activations import relu, relu_grad

# minikeras's own relu: a submission that uses them fails
FORBID_RELU = [
    "minikeras.activations.relu",
    "minikeras.ops.relu",
    "minikeras.ops.activations.relu",
    "minikeras.kernels.activations.apply_activation_inplace",
    "minikeras.kernels.reference.activations.apply_activation_inplace",
]

# minikeras's activation gradients and its tape: a submission that uses them fails
FORBID_RELU_GRAD = [
    "minikeras.kernels.activations.activation_grad_from_output",
    "minikeras.kernels.reference.activations.activation_grad_from_output",
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
]


@pytest.mark.exercise("ch00.relu", points=1, forbid=FORBID_RELU)
def test_relu_3d_random():
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(relu(x), np.maximum(x, 0))


@pytest.mark.exercise("ch00.relu_grad", points=1, forbid=FORBID_RELU_GRAD)
def test_relu_grad_is_zero_at_zero_and_keeps_dtype():
    x = np.zeros((2, 2))
    dy = np.ones((2, 2), dtype=np.float32)
    g = relu_grad(x, dy)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, 0.0)
