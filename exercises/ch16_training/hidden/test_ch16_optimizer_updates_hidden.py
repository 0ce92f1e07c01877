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


def compare(optimizer, step, kwargs, steps, seed, shape=(4, 3)):
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=shape).astype("float32")
    var = Variable(w0.copy())
    w, state = w0.copy(), np.zeros_like(w0)
    for _ in range(steps):
        g = rng.normal(size=shape).astype("float32")
        optimizer.apply_gradients([(g, var)])
        w, state = step(w, g, state, **kwargs)
    np.testing.assert_allclose(w, var.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch16.sgd_momentum", points=1, forbid=FORBID_SGD)
def test_sgd_long_run_and_inputs_untouched():
    compare(keras.optimizers.SGD(learning_rate=0.02, momentum=0.95), sgd_momentum_step,
            dict(learning_rate=0.02, momentum=0.95), 40, 10)
    w, g, v = np.ones(2), np.ones(2), np.full(2, 0.5)
    sgd_momentum_step(w, g, v, learning_rate=0.1, momentum=0.9)
    assert np.all(w == 1) and np.all(v == 0.5)


@pytest.mark.exercise("ch16.rmsprop", points=1, forbid=FORBID_RMSPROP)
def test_rmsprop_long_run_other_rho():
    compare(keras.optimizers.RMSprop(learning_rate=0.003, rho=0.7), rmsprop_step,
            dict(learning_rate=0.003, rho=0.7), 40, 11)
