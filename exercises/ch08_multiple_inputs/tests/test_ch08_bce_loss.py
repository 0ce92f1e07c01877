"""ch08.binary_crossentropy and ch08.binary_crossentropy_grad: checked against
minikeras.losses (the loss functions, the BinaryCrossentropy class, automatic
differentiation through it)."""
import numpy as np
import pytest

from minikeras import losses, ops
from minikeras.ops.tape import GradientTape

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


def problem(seed, shape):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=shape).astype(np.float32)
    y_pred = rng.uniform(0.01, 0.99, size=shape).astype(np.float32)
    return y_true, y_pred


@pytest.mark.exercise("ch08.binary_crossentropy", points=1, forbid=FORBID_BCE)
def test_values_per_sample_match_minikeras():
    y_true, y_pred = problem(0, (8, 1))
    values = binary_crossentropy(y_true, y_pred)
    assert values.shape == (8,)
    np.testing.assert_allclose(values, np.asarray(losses.binary_crossentropy(y_true, y_pred)), rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch08.binary_crossentropy", points=1, forbid=FORBID_BCE)
def test_several_units_and_soft_targets():
    rng = np.random.default_rng(1)
    y_true = rng.random((5, 3, 4)).astype(np.float32)
    y_pred = rng.uniform(0.001, 0.999, size=(5, 3, 4)).astype(np.float32)
    values = binary_crossentropy(y_true, y_pred)
    assert values.shape == (5, 3)
    np.testing.assert_allclose(values, np.asarray(losses.binary_crossentropy(y_true, y_pred)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values.mean(), float(np.asarray(losses.BinaryCrossentropy()(y_true, y_pred))),
                               rtol=1e-5)


@pytest.mark.exercise("ch08.binary_crossentropy", points=1, forbid=FORBID_BCE)
def test_certain_predictions_are_clipped():
    y_true = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    y_pred = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 1.0]], np.float32)
    values = binary_crossentropy(y_true, y_pred)
    assert np.all(np.isfinite(values))
    np.testing.assert_allclose(values, np.asarray(losses.binary_crossentropy(y_true, y_pred)), rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch08.binary_crossentropy_grad", points=2, forbid=FORBID_BCE_GRAD)
def test_gradient_matches_minikeras_autodiff():
    y_true, y_pred = problem(2, (6, 2))
    y_pred[0, 0], y_pred[1, 1] = 0.0, 1.0      # clipped: no gradient there
    prediction = ops.convert_to_tensor(y_pred)
    with GradientTape() as tape:
        tape.watch(prediction)
        loss = losses.BinaryCrossentropy()(y_true, prediction)
    expected = np.asarray(tape.gradient(loss, prediction))
    grad = binary_crossentropy_grad(y_true, y_pred)
    assert grad.shape == y_pred.shape
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)
    assert grad[0, 0] == 0 and grad[1, 1] == 0


@pytest.mark.exercise("ch08.binary_crossentropy_grad", points=1, forbid=FORBID_BCE_GRAD)
def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    y_true = rng.random((4, 3))
    y_pred = rng.uniform(0.1, 0.9, size=(4, 3))
    grad = binary_crossentropy_grad(y_true, y_pred)
    eps = 1e-6
    numeric = np.zeros_like(y_pred)
    for index in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (binary_crossentropy(y_true, up).mean() - binary_crossentropy(y_true, down).mean()) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)
