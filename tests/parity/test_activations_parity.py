"""Parity of ``minikeras.activations`` with ``keras.activations`` (Keras 3, torch backend): the
same values for the same inputs, by name with Keras's defaults and with arguments, and a Dense
layer using each by name gives Keras's outputs for the same weights.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_activations_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

X = (np.random.default_rng(0).normal(size=(4, 8)) * 2).astype("float32")
NAMES = ["celu", "glu", "hard_shrink", "hard_silu", "hard_swish", "hard_tanh", "log_sigmoid", "mish",
         "soft_shrink", "sparse_plus", "sparse_sigmoid", "squareplus", "tanh_shrink"]
# Not compared: ``sparsemax``, whose Keras 3.15 torch backend sums the running sums when it computes
# tau (see tests/parity/test_ops_parity.py); tests/test_activations.py checks it against its definition.
WITH_ARGUMENTS = {
    "celu": dict(alpha=0.5), "glu": dict(axis=0), "hard_shrink": dict(threshold=0.8),
    "soft_shrink": dict(threshold=0.8), "squareplus": dict(b=1.0),
    "threshold": dict(threshold=0.2, default_value=-1.5),
}


def _same(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_by_name_with_defaults(name):
    _same(minikeras.activations.get(name)(X), keras.activations.get(name)(X))


@pytest.mark.parametrize("name", sorted(WITH_ARGUMENTS))
def test_with_arguments(name):
    kwargs = WITH_ARGUMENTS[name]
    _same(getattr(minikeras.activations, name)(X, **kwargs), getattr(keras.activations, name)(X, **kwargs))


@pytest.mark.parametrize("name", NAMES + ["sparsemax"])
def test_serialized_name_is_keras_name(name):
    ours = minikeras.activations.serialize(minikeras.activations.get(name))
    theirs = keras.activations.serialize(keras.activations.get(name))
    assert minikeras.activations.deserialize(theirs) is minikeras.activations.get(ours)


@pytest.mark.parametrize("name", ["mish", "celu", "hard_silu", "log_sigmoid", "squareplus",
                                  "tanh_shrink", "soft_shrink"])
def test_dense_with_the_activation_matches_keras(name):
    models = []
    for lib in (minikeras, keras):
        x = lib.Input((8,))
        models.append(lib.Model(x, lib.layers.Dense(5, activation=name)(x)))
    weights = [np.random.default_rng(1).normal(size=w.shape).astype("float32") for w in models[0].get_weights()]
    for m in models:
        m.set_weights(weights)
    np.testing.assert_allclose(models[0].predict(X, verbose=0), models[1].predict(X, verbose=0),
                               rtol=1e-5, atol=1e-6)
