import numpy as np
import pytest

from minikeras.losses import kernels as loss_kernels

from bce_loss import binary_crossentropy, binary_crossentropy_grad

# minikeras's binary cross-entropy: a submission that uses them fails
FORBID_BCE = [
    "minikeras.losses.binary_crossentropy",
    "minikeras.losses.losses.binary_crossentropy",
    "minikeras.losses.kernels.binary_crossentropy_values",
    "minikeras.losses.BinaryCrossentropy",
    "minikeras.losses.losses.BinaryCrossentropy",
    "minikeras.metrics.binary_crossentropy",
    "minikeras.metrics.loss_metrics.binary_crossentropy",
]

# minikeras's binary cross-entropy and its tape: a submission that uses them fails
FORBID_BCE_GRAD = [
    "minikeras.losses.binary_crossentropy",
    "minikeras.losses.losses.binary_crossentropy",
    "minikeras.losses.kernels.binary_crossentropy_values",
    "minikeras.losses.BinaryCrossentropy",
    "minikeras.losses.losses.BinaryCrossentropy",
    "minikeras.metrics.binary_crossentropy",
    "minikeras.metrics.loss_metrics.binary_crossentropy",
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
]


@pytest.mark.exercise("ch08.binary_crossentropy", points=1, forbid=FORBID_BCE)
def test_float64_and_near_edge_values():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 2, size=(7, 5)).astype(np.float64)
    y_pred = rng.choice([0.0, 1e-9, 1e-3, 0.5, 1 - 1e-9, 1.0], size=(7, 5))
    values = binary_crossentropy(y_true, y_pred)
    expected, _ = loss_kernels.binary_crossentropy_values(y_true, y_pred)
    assert values.dtype == np.float64
    np.testing.assert_allclose(values, expected, rtol=1e-10)


@pytest.mark.exercise("ch08.binary_crossentropy_grad", points=1, forbid=FORBID_BCE_GRAD)
def test_gradient_of_a_sequence_output_matches_the_loss_kernel():
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, 2, size=(3, 10, 2)).astype(np.float32)
    y_pred = rng.choice(np.array([0.0, 0.2, 0.7, 1.0, 1e-8], np.float32), size=(3, 10, 2))
    values, backward = loss_kernels.binary_crossentropy_values(y_true, y_pred)
    _, expected = backward(np.full(values.shape, 1 / values.size, np.float32))
    np.testing.assert_allclose(binary_crossentropy_grad(y_true, y_pred), expected, rtol=1e-4, atol=1e-7)
