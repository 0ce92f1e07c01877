"""Parity with real Keras 3 for small pieces of API: OrthogonalRegularizer, utils.normalize,
initializer and regularizer (de)serialization, and the noise layers' configs.

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_small_api_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402


@pytest.mark.parametrize("mode", ["rows", "columns"])
@pytest.mark.parametrize("shape", [(4, 6), (7, 3)])
def test_orthogonal_regularizer_values_and_config(mode, shape):
    w = np.random.default_rng(0).normal(size=shape).astype("float32")
    k = keras.regularizers.OrthogonalRegularizer(0.2, mode)
    m = minikeras.regularizers.OrthogonalRegularizer(0.2, mode)
    expected = float(keras.ops.convert_to_numpy(k(keras.ops.convert_to_tensor(w))))  # (numpy input hits a Keras bug)
    np.testing.assert_allclose(float(np.asarray(m(w))), expected, rtol=1e-5)
    assert minikeras.regularizers.serialize(m) == keras.regularizers.serialize(k)
    assert minikeras.regularizers.deserialize(keras.regularizers.serialize(k)).get_config() == k.get_config()


@pytest.mark.parametrize("axis,order", [(-1, 2), (1, 1), (-1, 3)])
def test_normalize_numpy_path(axis, order):
    x = np.random.default_rng(1).normal(size=(5, 4))
    x[2] = 0.0
    np.testing.assert_allclose(minikeras.utils.normalize(x, axis, order), keras.utils.normalize(x, axis, order),
                               rtol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_tensor_path(order):
    x = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    expected = keras.ops.convert_to_numpy(keras.utils.normalize(keras.ops.convert_to_tensor(x), -1, order))
    got = np.asarray(minikeras.utils.normalize(minikeras.ops.convert_to_tensor(x), -1, order))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name,kwargs", [
    ("VarianceScaling", dict(scale=2.0, mode="fan_out", distribution="uniform", seed=3)),
    ("GlorotNormal", dict(seed=1)), ("Constant", dict(value=0.5)), ("Orthogonal", dict(gain=2.0)),
])
def test_initializer_configs_deserialize_both_ways(name, kwargs):
    k = getattr(keras.initializers, name)(**kwargs)
    m = getattr(minikeras.initializers, name)(**kwargs)
    assert minikeras.initializers.deserialize(keras.initializers.serialize(k)).get_config() == m.get_config()
    assert keras.initializers.deserialize(minikeras.initializers.serialize(m)).get_config() == k.get_config()


@pytest.mark.parametrize("name,kwargs", [
    ("GaussianNoise", dict(stddev=0.3, seed=1)), ("GaussianDropout", dict(rate=0.3)),
    ("AlphaDropout", dict(rate=0.2, noise_shape=(None, 1, 4))), ("SpatialDropout1D", dict(rate=0.1, seed=4)),
    ("SpatialDropout2D", dict(rate=0.1)), ("SpatialDropout3D", dict(rate=0.1)),
])
def test_noise_layer_configs_match(name, kwargs):
    k = getattr(keras.layers, name)(name="noise", **kwargs)
    m = getattr(minikeras.layers, name)(name="noise", **kwargs)
    assert m.get_config() == k.get_config()


@pytest.mark.parametrize("name,kwargs", [("Adamax", dict(beta_1=0.8, epsilon=1e-6)), ("Lion", dict(beta_2=0.95))])
def test_new_optimizer_configs_match(name, kwargs):
    # An explicit name: Keras numbers default names per process (adamax, adamax_1, ...), so
    # a default name depends on which tests made optimizers before this one.
    k = getattr(keras.optimizers, name)(learning_rate=0.01, name="opt", **kwargs).get_config()
    m = getattr(minikeras.optimizers, name)(learning_rate=0.01, name="opt", **kwargs).get_config()
    assert m.pop("learning_rate") == pytest.approx(k.pop("learning_rate"), rel=1e-6)
    assert m == k
    rebuilt = getattr(minikeras.optimizers, name).from_config(
        keras.optimizers.serialize(getattr(keras.optimizers, name)(**kwargs))["config"])
    assert rebuilt.get_config()["beta_1"] == getattr(keras.optimizers, name)(**kwargs).beta_1
