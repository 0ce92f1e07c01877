"""Parity of ReversibleEmbedding with Keras 3 (torch backend) on its way out: a tiny language
model ids -> embedding -> Dense -> logits through the same (tied or separate) table gives
Keras's logits, and one SGD step Keras's weights.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_reversible_embedding_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

IDS = np.random.default_rng(0).integers(0, 10, (3, 5)).astype("int32")


def _model(lib, **kwargs):
    ids = lib.Input((5,), dtype="int32")
    embedding = lib.layers.ReversibleEmbedding(10, 4, **kwargs)
    hidden = lib.layers.Dense(4, activation="tanh")(embedding(ids))
    return lib.Model(ids, embedding(hidden, reverse=True))


@pytest.mark.parametrize("kwargs", [{}, dict(tie_weights=False), dict(logit_soft_cap=2.0)])
def test_logits_and_a_training_step_like_keras(kwargs):
    ours, theirs = _model(minikeras, **kwargs), _model(keras, **kwargs)
    weights = [np.random.default_rng(1).normal(size=w.shape).astype("float32") for w in ours.get_weights()]
    for m in (ours, theirs):
        m.set_weights(weights)
    np.testing.assert_allclose(ours.predict(IDS, verbose=0), theirs.predict(IDS, verbose=0), rtol=1e-5, atol=1e-5)
    targets = np.random.default_rng(2).integers(0, 10, (3, 5))
    ours.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    ours.train_on_batch(IDS, targets)
    theirs.train_on_batch(IDS, targets)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
