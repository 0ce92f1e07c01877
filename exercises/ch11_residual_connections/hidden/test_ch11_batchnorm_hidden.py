import numpy as np
import pytest

from minikeras import layers

from batchnorm_forward import batchnorm_forward

# minikeras's batch normalization: a submission that uses them fails
FORBID_BATCHNORM = [
    "minikeras.ops.nn.batch_normalization",
    "minikeras.layers.BatchNormalization",
    "minikeras.layers.normalization.BatchNormalization",
]


@pytest.mark.exercise("ch11.batchnorm", points=1, forbid=FORBID_BATCHNORM)
def test_several_training_steps_with_other_momentum_and_epsilon():
    rng = np.random.default_rng(11)
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
    bn.build((None, 7, 2))
    gamma = rng.uniform(0.5, 2, 2).astype("float32")
    beta = rng.normal(size=2).astype("float32")
    state = [gamma, beta, np.zeros(2, "float32"), np.ones(2, "float32")]
    bn.set_weights(state)
    mean, var = state[2], state[3]
    for step in range(4):
        x = rng.normal(step, 1 + step, size=(8, 7, 2)).astype("float32")
        want = np.asarray(bn(x, training=True))
        y, mean, var = batchnorm_forward(x, gamma, beta, mean, var, training=True, momentum=0.9,
                                         epsilon=1e-5)
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mean, bn.get_weights()[2], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, bn.get_weights()[3], rtol=1e-5, atol=1e-6)
    x = rng.normal(size=(3, 7, 2)).astype("float32")
    y, _, _ = batchnorm_forward(x, gamma, beta, mean, var, training=False, momentum=0.9, epsilon=1e-5)
    np.testing.assert_allclose(y, np.asarray(bn(x, training=False)), rtol=1e-4, atol=1e-4)
