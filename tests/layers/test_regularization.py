"""minikeras.layers.regularization: the noise layers pass inputs through at inference and,
while training, draw noise with Keras 3's statistics, repeatably under a seed."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

rng = np.random.default_rng(0)


def _np(t):
    return np.asarray(t)


@pytest.mark.parametrize("layer,shape", [
    (layers.SpatialDropout1D(0.5), (2, 5, 3)),
    (layers.SpatialDropout2D(0.5), (2, 4, 4, 3)),
    (layers.SpatialDropout3D(0.5), (2, 2, 3, 2, 3)),
    (layers.GaussianNoise(0.5), (2, 4)),
    (layers.GaussianDropout(0.5), (2, 4)),
    (layers.AlphaDropout(0.5), (2, 4)),
], ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else None)
def test_inference_is_the_identity(layer, shape):
    x = rng.normal(size=shape).astype("float32")
    np.testing.assert_array_equal(_np(layer(x)), x)
    np.testing.assert_array_equal(_np(layer(x, training=False)), x)
    assert not np.array_equal(_np(layer(x, training=True)), x)
    assert layer.compute_output_shape((None,) + shape[1:]) == (None,) + shape[1:]


@pytest.mark.parametrize("cls,shape", [(layers.SpatialDropout1D, (400, 6, 50)),
                                       (layers.SpatialDropout2D, (400, 3, 3, 50)),
                                       (layers.SpatialDropout3D, (100, 2, 2, 2, 50))])
def test_spatial_dropout_drops_whole_channels(cls, shape):
    x = np.ones(shape, dtype="float32")
    y = _np(cls(0.4, seed=1)(x, training=True))
    per_channel = y.reshape(shape[0], -1, shape[-1])
    assert (per_channel == per_channel[:, :1, :]).all()          # one decision per (sample, channel)
    dropped = (per_channel[:, 0, :] == 0).mean()
    assert abs(dropped - 0.4) < 0.02
    np.testing.assert_allclose(per_channel[per_channel != 0], 1 / 0.6, rtol=1e-6)


def test_gaussian_noise_statistics():
    x = np.full((400, 500), 3.0, dtype="float32")
    noise = _np(layers.GaussianNoise(0.25, seed=2)(x, training=True)) - x
    assert abs(noise.mean()) < 0.002 and abs(noise.std() - 0.25) < 0.002


def test_gaussian_dropout_statistics():
    x = np.full((400, 500), 2.0, dtype="float32")
    y = _np(layers.GaussianDropout(0.3, seed=3)(x, training=True))
    assert abs(y.mean() - 2.0) < 0.01
    assert abs(y.std() - 2.0 * np.sqrt(0.3 / 0.7)) < 0.01


def test_alpha_dropout_keeps_selu_statistics():
    x = rng.standard_normal((400, 500)).astype("float32")
    selu = _np(ops.selu(x))                 # SELU outputs of unit-normal inputs: mean 0, variance 1
    y = _np(layers.AlphaDropout(0.2, seed=4)(selu, training=True))
    assert abs(y.mean() - selu.mean()) < 0.02 and abs(y.std() - selu.std()) < 0.02
    alpha_p = -layers.AlphaDropout.ALPHA * layers.AlphaDropout.SCALE
    a = ((1 - 0.2) * (1 + 0.2 * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * 0.2
    dropped = np.isclose(y, a * alpha_p + b)
    assert abs(dropped.mean() - 0.2) < 0.01
    np.testing.assert_allclose(y[~dropped], a * selu[~dropped] + b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make,shape", [
    (lambda: layers.GaussianNoise(0.3, seed=5), (3, 4)),
    (lambda: layers.GaussianDropout(0.3, seed=5), (3, 4)),
    (lambda: layers.AlphaDropout(0.3, seed=5), (3, 4)),
    (lambda: layers.SpatialDropout1D(0.5, seed=5), (3, 4, 2)),
], ids=["GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D"])
def test_seeds_repeat_and_noise_changes_between_calls(make, shape):
    x = np.ones(shape, dtype="float32")
    a, b = make(), make()
    first = _np(a(x, training=True))
    np.testing.assert_array_equal(first, _np(b(x, training=True)))
    assert not np.array_equal(first, _np(a(x, training=True)))


def test_gradients_flow_through_the_noise():
    x = ops.convert_to_tensor(np.ones((2, 3)))
    layer = layers.GaussianDropout(0.5, seed=1)
    with ops.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = ops.sum(y)
    np.testing.assert_allclose(_np(tape.gradient(loss, x)), _np(y), rtol=1e-6)   # d(x*n)/dx = n for x = 1


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"Layer gaussian_noise_\d+: `stddev` must be a number in \[0, 1\]"):
        layers.GaussianNoise(1.5)
    with pytest.raises(ValueError, match=r"`rate` must be a number in \[0, 1\), received rate=1"):
        layers.GaussianDropout(1)
    with pytest.raises(ValueError, match=r"`rate` must be a number in \[0, 1\]"):
        layers.AlphaDropout(-0.1)
    with pytest.raises(ValueError, match="data_format='channels_last' only"):
        layers.SpatialDropout2D(0.1, data_format="channels_first")
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.SpatialDropout1D(0.1)(keras.Input((4,)))


def test_noise_layers_train_in_a_model():
    inputs = keras.Input((6, 4))
    x = layers.SpatialDropout1D(0.2, seed=1)(inputs)
    x = layers.GaussianNoise(0.1, seed=2)(layers.Flatten()(x))
    x = layers.Dense(8, activation="selu")(x)
    x = layers.AlphaDropout(0.1, seed=3)(layers.GaussianDropout(0.1, seed=4)(x))
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer="adam", loss="mse")
    data = rng.normal(size=(32, 6, 4)).astype("float32")
    history = model.fit(data, data[:, 0, :1], epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_array_equal(model.predict(data, verbose=0), model.predict(data, verbose=0))
