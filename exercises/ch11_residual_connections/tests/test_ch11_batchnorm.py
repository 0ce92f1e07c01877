import numpy as np
import pytest

from minikeras import layers

from batchnorm_forward import batchnorm_forward
from probes_ch11 import batchnorm_and_its_arguments

# minikeras's batch normalization: a submission that uses them fails
FORBID_BATCHNORM = [
    "minikeras.ops.nn.batch_normalization",
    "minikeras.layers.BatchNormalization",
    "minikeras.layers.normalization.BatchNormalization",
]


def random_state(channels, seed):
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.5, 2.0, channels).astype("float32")
    beta = rng.normal(size=channels).astype("float32")
    mean = rng.normal(size=channels).astype("float32")
    var = rng.uniform(0.5, 3.0, channels).astype("float32")
    return gamma, beta, mean, var


def minikeras_batchnorm(x, state, training, **kwargs):
    """What minikeras' layer gives: (y, moving_mean, moving_variance) after one call."""
    bn = layers.BatchNormalization(**kwargs)
    bn.build(x.shape)
    bn.set_weights(list(state))
    y = bn(x, training=training)
    _, _, mean, var = bn.get_weights()
    return np.asarray(y), mean, var


@pytest.mark.exercise("ch11.batchnorm", points=1, forbid=FORBID_BATCHNORM)
def test_training_mode_on_vectors():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(16, 4)).astype("float32")
    state = random_state(4, 1)
    want_y, _, _ = minikeras_batchnorm(x, state, training=True)
    y, _, _ = batchnorm_forward(x, *state, training=True)
    np.testing.assert_allclose(y, want_y, rtol=1e-4, atol=1e-4)


@pytest.mark.exercise("ch11.batchnorm", points=1, forbid=FORBID_BATCHNORM)
def test_inference_mode_uses_the_moving_statistics():
    x = np.random.default_rng(2).normal(size=(5, 3)).astype("float32")
    state = random_state(3, 3)
    want_y, want_mean, want_var = minikeras_batchnorm(x, state, training=False)
    y, mean, var = batchnorm_forward(x, *state, training=False)
    np.testing.assert_allclose(y, want_y, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mean, want_mean)
    np.testing.assert_allclose(var, want_var)


@pytest.mark.exercise("ch11.batchnorm", points=1, forbid=FORBID_BATCHNORM)
def test_images_are_normalised_per_channel():
    x = np.random.default_rng(4).normal(1.0, 3.0, size=(4, 5, 5, 6)).astype("float32")
    state = random_state(6, 5)
    for training in (True, False):
        want_y, _, _ = minikeras_batchnorm(x, state, training=training)
        y, _, _ = batchnorm_forward(x, *state, training=training)
        assert np.shape(y) == x.shape
        np.testing.assert_allclose(y, want_y, rtol=1e-4, atol=1e-4)


@pytest.mark.exercise("ch11.batchnorm", points=1, forbid=FORBID_BATCHNORM)
def test_training_moves_the_moving_statistics():
    x = np.random.default_rng(6).normal(2.0, 1.5, size=(32, 3)).astype("float32")
    state = random_state(3, 7)
    before = [s.copy() for s in state]
    _, want_mean, want_var = minikeras_batchnorm(x, state, training=True)
    (_, mean, var), after = batchnorm_and_its_arguments(x, *state, training=True)
    np.testing.assert_allclose(mean, want_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, want_var, rtol=1e-5, atol=1e-6)
    for s, b in zip(after[1:], before):
        np.testing.assert_array_equal(s, b)   # inputs left alone (seen where batchnorm_forward ran)
