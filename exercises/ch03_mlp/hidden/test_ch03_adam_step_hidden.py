import numpy as np
import pytest

from minikeras import optimizers
from minikeras.ops.tensor import Variable

from adam_step import adam_update

# minikeras's Adam (its kernel and the optimizer): a submission that uses them fails
FORBID_ADAM = [
    "minikeras.optimizers.kernels.adam",
    "minikeras.optimizers.kernels.adam_reference",
    "minikeras.optimizers.Adam",
    "minikeras.optimizers.adam.Adam",
]


@pytest.mark.exercise("ch03.adam_update", points=1, forbid=FORBID_ADAM)
def test_other_hyperparameters_over_many_steps():
    rng = np.random.default_rng(5)
    w0 = rng.normal(size=(3, 4)).astype(np.float32)
    var = Variable(w0.copy(), name="w")
    opt = optimizers.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3)
    w, m, v = w0, np.zeros_like(w0), np.zeros_like(w0)
    for t in range(1, 21):
        g = rng.normal(scale=0.01 * t, size=w0.shape).astype(np.float32)
        opt.apply([g], [var])
        w, m, v = adam_update(w, g, m, v, t, learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3)
    np.testing.assert_allclose(w, np.asarray(var.value), rtol=1e-4, atol=1e-5)
