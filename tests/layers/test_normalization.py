"""UnitNormalization, RMSNormalization, GroupNormalization and Identity: their formulas against
numpy, special cases, gradients and errors (Keras parity runs through tests/saving/test_serialization.py's
cases in tests/parity/)."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from tests.conftest import numeric_gradient

rng = np.random.default_rng(0)


def _np(t):
    return np.asarray(t)


def test_unit_normalization():
    x = rng.normal(size=(3, 4, 5)).astype("float32")
    x[0, 0] = 0.0
    out = _np(layers.UnitNormalization()(x))
    norms = np.linalg.norm(out, axis=-1)
    np.testing.assert_allclose(norms[1:], 1.0, rtol=1e-5)
    np.testing.assert_array_equal(out[0, 0], 0.0)              # a zero vector stays zero
    both = _np(layers.UnitNormalization(axis=(1, 2))(x))
    np.testing.assert_allclose(np.sqrt((both ** 2).sum(axis=(1, 2))), 1.0, rtol=1e-5)
    with pytest.raises(TypeError, match="invalid value for `axis`"):
        layers.UnitNormalization(axis="last")


def test_rms_normalization_formula_and_scale():
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.RMSNormalization(epsilon=1e-6)
    out = _np(layer(x))
    expected = x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    assert layer.scale.shape == (4,) and layer.axis == [-1]
    layer.scale.assign(np.arange(1.0, 5.0))
    np.testing.assert_allclose(_np(layer(x)), expected * np.arange(1.0, 5.0), rtol=1e-5)


def _group_norm_reference(x, groups, eps):
    n, h, w, c = x.shape
    g = x.reshape(n, h, w, groups, c // groups).astype("float64")
    mean = g.mean(axis=(1, 2, 4), keepdims=True)
    var = g.var(axis=(1, 2, 4), keepdims=True)
    return ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)


@pytest.mark.parametrize("groups", [1, 2, 3, 6, -1])
def test_group_normalization_matches_the_definition(groups):
    x = rng.normal(2.0, 3.0, size=(2, 4, 5, 6)).astype("float32")
    layer = layers.GroupNormalization(groups=groups, epsilon=1e-3)
    out = _np(layer(x))
    np.testing.assert_allclose(out, _group_norm_reference(x, 6 if groups == -1 else groups, 1e-3),
                               rtol=1e-4, atol=1e-5)
    assert layer.groups == (6 if groups == -1 else groups)


def test_group_normalization_scale_shift_and_gradient(float64):
    x = rng.normal(size=(2, 3, 4))
    layer = layers.GroupNormalization(groups=2)
    layer.build((None, 3, 4))
    layer.gamma.assign(rng.normal(size=4))
    layer.beta.assign(rng.normal(size=4))
    weights = rng.normal(size=(2, 3, 4))
    xt = ops.convert_to_tensor(x)
    with ops.GradientTape() as tape:
        tape.watch(xt)
        loss = ops.sum(ops.multiply(layer(xt), weights))
    numeric = numeric_gradient(lambda: float(np.sum(_np(layer(x)) * weights)), x)
    np.testing.assert_allclose(_np(tape.gradient(loss, xt)), numeric, atol=1e-6)


def test_group_normalization_errors():
    with pytest.raises(ValueError, match="invalid value for argument `groups`"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="the 6 channels of axis -1 cannot be split into 4 groups"):
        layers.GroupNormalization(groups=4)(keras.Input((3, 6)))
    with pytest.raises(ValueError, match="should have a defined dimension"):
        layers.GroupNormalization(groups=2)(keras.Input((3, None)))


def test_identity_and_convolution2dtranspose_alias():
    x = rng.normal(size=(2, 3)).astype("float32")
    np.testing.assert_array_equal(_np(layers.Identity()(x)), x)
    inputs = keras.Input((5,))
    emb = layers.Embedding(10, 2, mask_zero=True)(inputs)
    out = layers.Identity()(emb)
    assert out.shape == (None, 5, 2)
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose


def test_group_normalization_trains_in_a_small_cnn():
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(8, 3, padding="same")(inputs)
    x = layers.GroupNormalization(groups=4)(x)
    x = layers.RMSNormalization()(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, layers.Dense(1)(layers.UnitNormalization()(x)))
    model.compile(optimizer="adam", loss="mse")
    data = rng.normal(size=(16, 8, 8, 3)).astype("float32")
    history = model.fit(data, data.mean(axis=(1, 2, 3))[:, None], epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
