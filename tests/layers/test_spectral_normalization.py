"""minikeras.layers.spectral_normalization: in training the kernel is divided by its power-
iteration estimate of the largest singular value (so it converges to spectral norm 1), at
inference it is left alone; Embedding tables too; weight order and errors. (Keras parity of a
training step and of files: the layer registry.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

X = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")


def test_training_calls_bring_the_spectral_norm_to_one():
    layer = layers.SpectralNormalization(layers.Dense(3), power_iterations=3)
    layer(X)
    layer.layer.kernel.assign(np.random.default_rng(1).normal(size=(5, 3)).astype("float32") * 4)
    for _ in range(5):
        out = np.asarray(layer(X, training=True))
    kernel = layer.layer.kernel.value
    assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, rel=1e-3)
    np.testing.assert_allclose(out, X @ kernel + layer.layer.bias.value, rtol=1e-5, atol=1e-6)


def test_inference_leaves_the_kernel_and_a_zero_kernel_is_kept():
    layer = layers.SpectralNormalization(layers.Dense(3))
    layer(X)
    before = layer.layer.kernel.value.copy()
    layer(X, training=False)
    np.testing.assert_array_equal(layer.layer.kernel.value, before)
    zero = layers.SpectralNormalization(layers.Dense(3, kernel_initializer="zeros"))
    zero(X, training=True)
    assert np.all(zero.layer.kernel.value == 0)


def test_one_power_iteration_matches_the_formula():
    layer = layers.SpectralNormalization(layers.Dense(2))
    layer(X)
    w = layer.layer.kernel.value.astype(np.float64)
    u = layer.vector_u.value.astype(np.float64)
    v = u @ w.T / np.linalg.norm(u @ w.T)
    u_new = v @ w / np.linalg.norm(v @ w)
    sigma = (v @ w @ u_new.T).item()
    layer(X, training=True)
    np.testing.assert_allclose(layer.layer.kernel.value, w / sigma, rtol=1e-5)
    np.testing.assert_allclose(layer.vector_u.value, u_new, rtol=1e-5)


def test_embeddings_weight_order_config_and_errors():
    emb = layers.SpectralNormalization(layers.Embedding(10, 4))
    x = keras.Input((3,), dtype="int32")
    keras.Model(x, emb(x))
    assert [w.name for w in emb.weights] == ["embeddings", "vector_u"]
    dense = layers.SpectralNormalization(layers.Dense(3), power_iterations=2)
    dense(X)
    assert [w.name for w in dense.weights] == ["kernel", "vector_u", "bias"]   # Keras's order
    assert [w.name for w in dense.trainable_weights] == ["kernel", "bias"]
    clone = layers.SpectralNormalization.from_config(dense.get_config())
    assert clone.power_iterations == 2 and isinstance(clone.layer, layers.Dense)
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="no attribute 'kernel'"):
        layers.SpectralNormalization(layers.Flatten())(X)
