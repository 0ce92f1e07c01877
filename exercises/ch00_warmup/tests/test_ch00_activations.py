import numpy as np
import pytest

from activations import relu, relu_grad
from probes_ch00 import relu_and_its_argument

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
def test_relu_values():
    x = np.array([-2.0, -0.5, 0.0, 1.5, 3.0])
    np.testing.assert_array_equal(relu(x), [0.0, 0.0, 0.0, 1.5, 3.0])


@pytest.mark.exercise("ch00.relu", points=1, forbid=FORBID_RELU)  # split: 0.5 per dtype
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_keeps_shape_and_dtype(dtype):
    x = np.linspace(-1, 1, 12, dtype=dtype).reshape(3, 4)
    y = relu(x)
    assert y.shape == (3, 4)
    assert y.dtype == dtype


@pytest.mark.exercise("ch00.relu", points=1, forbid=FORBID_RELU)
def test_relu_does_not_modify_input():
    x = np.array([-1.0, 2.0])
    _, x_after = relu_and_its_argument(x)   # x as relu left it, where relu ran
    np.testing.assert_array_equal(x_after, [-1.0, 2.0])


@pytest.mark.exercise("ch00.relu_grad", points=1, forbid=FORBID_RELU_GRAD)
def test_relu_grad_values():
    x = np.array([-1.0, 0.5, 2.0])
    dy = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(relu_grad(x, dy), [0.0, 20.0, 30.0])


@pytest.mark.exercise("ch00.relu_grad", points=1, forbid=FORBID_RELU_GRAD)
def test_relu_grad_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # stay away from the kink
    dy = rng.normal(size=x.shape)
    eps = 1e-6
    numeric = (relu(x + eps) - relu(x - eps)) / (2 * eps) * dy
    np.testing.assert_allclose(relu_grad(x, dy), numeric, rtol=1e-5, atol=1e-8)
