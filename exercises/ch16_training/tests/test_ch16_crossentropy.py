import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from crossentropy_loss import (sparse_crossentropy, sparse_crossentropy_from_logits,
                               sparse_crossentropy_from_logits_grad)

# What this exercise asks you to write, minikeras has: a submission may not use it.
FORBID_CROSSENTROPY = ["minikeras.losses.SparseCategoricalCrossentropy", "minikeras.losses.CategoricalCrossentropy",
                       "minikeras.losses.sparse_categorical_crossentropy", "minikeras.losses.categorical_crossentropy",
                       "minikeras.losses.kernels.sparse_categorical_crossentropy_values",
                       "minikeras.losses.kernels.categorical_crossentropy_values"]


def batch(n, classes, seed, scale=2.0):
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(n, classes)) * scale).astype("float32")
    labels = rng.integers(0, classes, size=n)
    return labels, logits


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.exercise("ch16.crossentropy", points=1, forbid=FORBID_CROSSENTROPY)
def test_probabilities_match_minikeras():
    labels, logits = batch(8, 5, 0)
    probs = softmax(logits).astype("float32")
    probs[0] = 0.0
    probs[0, labels[0]] = 1.0          # a confident right answer
    probs[1] = 0.0
    probs[1, (labels[1] + 1) % 5] = 1.0  # a confident wrong answer: clipping matters
    want = float(keras.losses.SparseCategoricalCrossentropy()(labels, probs))
    np.testing.assert_allclose(sparse_crossentropy(labels, probs), want, rtol=1e-4)


@pytest.mark.exercise("ch16.crossentropy", points=1, forbid=FORBID_CROSSENTROPY)
def test_logits_match_minikeras():
    labels, logits = batch(16, 10, 1)
    want = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits))
    np.testing.assert_allclose(sparse_crossentropy_from_logits(labels, logits), want, rtol=1e-5)


@pytest.mark.exercise("ch16.crossentropy", points=1, forbid=FORBID_CROSSENTROPY)
def test_gradient_matches_the_tape():
    labels, logits = batch(6, 4, 2)
    z = ops.convert_to_tensor(logits)
    with keras.GradientTape() as tape:
        tape.watch(z)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, z)
    want = tape.gradient(loss, z).numpy()
    got = sparse_crossentropy_from_logits_grad(labels, logits)
    assert np.shape(got) == logits.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
