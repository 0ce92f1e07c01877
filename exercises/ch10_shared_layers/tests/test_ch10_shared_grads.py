import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from shared_grads import shared_dense_grads, shared_embedding_grad

# the tape (the tests' reference) and minikeras's Dense backward kernels: a submission
# that uses them fails
FORBID_SHARED_GRADS = [
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
    "minikeras.kernels.dense.dense_backward",
    "minikeras.kernels.reference.dense.dense_backward",
    "minikeras.kernels.activations.bias_activation_backward",
    "minikeras.kernels.reference.activations.bias_activation_backward",
]


def tape_grads_of_shared_layer(layer, x_a, x_b, dy_a, dy_b):
    """minikeras' answer: call the layer twice under a tape and inject dy_a, dy_b."""
    with keras.GradientTape() as tape:
        y_a = layer(x_a)
        y_b = layer(x_b)
    grads = tape.gradient([y_a, y_b], layer.trainable_weights, output_gradients=[dy_a, dy_b])
    return [g.numpy() for g in grads]


@pytest.mark.exercise("ch10.shared_gradients", points=1, forbid=FORBID_SHARED_GRADS)
def test_shared_dense_matches_the_tape():
    rng = np.random.default_rng(0)
    dense = layers.Dense(3)
    x_a = rng.normal(size=(4, 5)).astype("float32")
    x_b = rng.normal(size=(2, 5)).astype("float32")
    dense(x_a)  # build
    dy_a = rng.normal(size=(4, 3)).astype("float32")
    dy_b = rng.normal(size=(2, 3)).astype("float32")
    want_kernel, want_bias = tape_grads_of_shared_layer(dense, x_a, x_b, dy_a, dy_b)
    d_kernel, d_bias = shared_dense_grads(x_a, x_b, dense.kernel.numpy(), dy_a, dy_b)
    assert np.shape(d_kernel) == (5, 3) and np.shape(d_bias) == (3,)
    np.testing.assert_allclose(d_kernel, want_kernel, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(d_bias, want_bias, rtol=1e-5, atol=1e-5)


@pytest.mark.exercise("ch10.shared_gradients", points=1, forbid=FORBID_SHARED_GRADS)
def test_shared_embedding_matches_the_tape():
    rng = np.random.default_rng(1)
    emb = layers.Embedding(12, 4)
    ids_a = rng.integers(0, 12, size=(2, 5))
    ids_b = rng.integers(0, 12, size=(3, 4))
    emb(ids_a)
    dvec_a = rng.normal(size=(2, 5, 4)).astype("float32")
    dvec_b = rng.normal(size=(3, 4, 4)).astype("float32")
    (want,) = tape_grads_of_shared_layer(emb, ids_a, ids_b, dvec_a, dvec_b)
    got = shared_embedding_grad(ids_a, ids_b, dvec_a, dvec_b, 12)
    assert np.shape(got) == (12, 4)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.exercise("ch10.shared_gradients", points=1, forbid=FORBID_SHARED_GRADS)
def test_repeated_words_add_up():
    emb = layers.Embedding(5, 2)
    ids_a = np.array([[1, 1, 1]])
    ids_b = np.array([[1, 3]])
    emb(ids_a)
    dvec_a = np.ones((1, 3, 2), dtype="float32")
    dvec_b = np.full((1, 2, 2), 10.0, dtype="float32")
    (want,) = tape_grads_of_shared_layer(emb, ids_a, ids_b, dvec_a, dvec_b)
    got = shared_embedding_grad(ids_a, ids_b, dvec_a, dvec_b, 5)
    np.testing.assert_allclose(got, want)
    assert got[1, 0] == 13.0  # three times 1 from text a, once 10 from text b
