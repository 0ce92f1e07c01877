import numpy as np
import pytest

import minikeras as keras
from minikeras.ops import Variable

from optimizer_updates import rmsprop_step, sgd_momentum_step

# What these exercises ask you to write, minikeras has: a submission may not use it.
FORBID_SGD = ["minikeras.optimizers.SGD", "minikeras.optimizers.kernels.sgd_momentum",
              "minikeras.optimizers.kernels.sgd_momentum_reference"]
FORBID_RMSPROP = ["minikeras.optimizers.RMSprop", "minikeras.optimizers.kernels.rmsprop",
                  "minikeras.optimizers.kernels.rmsprop_reference"]


def gradients(shape, steps, seed):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype("float32") for _ in range(steps)]


def run_minikeras(optimizer, w0, grads):
    """Weights after each step of a minikeras optimizer on the same gradients."""
    var = Variable(w0.copy())
    history = []
    for g in grads:
        optimizer.apply_gradients([(g, var)])
        history.append(var.numpy().copy())
    return history


def run_student(step, w0, grads, **kwargs):
    w, state = w0.copy(), np.zeros_like(w0)
    history = []
    for g in grads:
        w, state = step(w, g, state, **kwargs)
        history.append(np.array(w))
    return history


@pytest.mark.exercise("ch16.sgd_momentum", points=1, forbid=FORBID_SGD)
def test_sgd_momentum_matches_keras_sgd():
    w0 = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    grads = gradients((3, 4), 6, 1)
    want = run_minikeras(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), w0, grads)
    got = run_student(sgd_momentum_step, w0, grads, learning_rate=0.1, momentum=0.9)
    for step, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"after step {step + 1}")


@pytest.mark.exercise("ch16.sgd_momentum", points=1, forbid=FORBID_SGD)
def test_sgd_nesterov_matches_keras_sgd():
    w0 = np.random.default_rng(2).normal(size=(5,)).astype("float32")
    grads = gradients((5,), 5, 3)
    want = run_minikeras(keras.optimizers.SGD(learning_rate=0.05, momentum=0.8, nesterov=True), w0, grads)
    got = run_student(sgd_momentum_step, w0, grads, learning_rate=0.05, momentum=0.8, nesterov=True)
    for step, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"after step {step + 1}")


@pytest.mark.exercise("ch16.rmsprop", points=1, forbid=FORBID_RMSPROP)
def test_rmsprop_matches_keras_rmsprop():
    w0 = np.random.default_rng(4).normal(size=(2, 3)).astype("float32")
    grads = gradients((2, 3), 6, 5)
    want = run_minikeras(keras.optimizers.RMSprop(learning_rate=0.01), w0, grads)
    got = run_student(rmsprop_step, w0, grads, learning_rate=0.01)
    for step, (a, b) in enumerate(zip(got, want)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"after step {step + 1}")


@pytest.mark.exercise("ch16.rmsprop", points=1, forbid=FORBID_RMSPROP)
def test_rmsprop_epsilon_is_inside_the_root():
    w0 = np.zeros(3, "float32")
    grads = [np.array([1e-4, 0.0, -1e-3], "float32")] * 3
    want = run_minikeras(keras.optimizers.RMSprop(learning_rate=0.1, epsilon=1e-2), w0, grads)
    got = run_student(rmsprop_step, w0, grads, learning_rate=0.1, epsilon=1e-2)
    np.testing.assert_allclose(got[-1], want[-1], rtol=1e-5, atol=1e-7)
