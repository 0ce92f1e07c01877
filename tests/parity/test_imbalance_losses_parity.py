"""Focal, Dice and Tversky losses against real Keras 3: the same values (functions, classes
with sample weights and reductions), the same configs, and the same weights after SGD steps.

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_imbalance_losses_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

rng = np.random.default_rng(0)
CASES = [
    ("BinaryFocalCrossentropy", {}, "binary"),
    ("BinaryFocalCrossentropy", dict(apply_class_balancing=True, alpha=0.4, gamma=1.5, label_smoothing=0.1),
     "binary"),
    ("BinaryFocalCrossentropy", dict(from_logits=True), "logits"),
    ("CategoricalFocalCrossentropy", {}, "onehot"),
    ("CategoricalFocalCrossentropy", dict(alpha=0.5, gamma=3.0, label_smoothing=0.2), "onehot"),
    ("CategoricalFocalCrossentropy", dict(from_logits=True), "logits_onehot"),
    ("Dice", {}, "binary"),
    ("Dice", dict(axis=-1), "binary"),
    ("Tversky", {}, "binary"),
    ("Tversky", dict(alpha=0.7, beta=0.3, axis=-1), "binary"),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw, _ in CASES]


def _data(kind, n=6, classes=4):
    if kind in ("onehot", "logits_onehot"):
        y = np.eye(classes, dtype="float32")[rng.integers(0, classes, n)]
        p = rng.uniform(0.05, 1.0, (n, classes)).astype("float32")
        return y, (np.log(p) if kind == "logits_onehot" else p / p.sum(axis=1, keepdims=True)).astype("float32")
    y = rng.integers(0, 2, (n, classes)).astype("float32")
    p = rng.normal(size=(n, classes)).astype("float32") if kind == "logits" else \
        rng.uniform(0.01, 0.99, (n, classes)).astype("float32")
    return y, p


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=IDS)
def test_values_match(name, kwargs, kind):
    y, p = _data(kind)
    fn = {"BinaryFocalCrossentropy": "binary_focal_crossentropy",
          "CategoricalFocalCrossentropy": "categorical_focal_crossentropy"}.get(name, name.lower())
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, fn)(y, p, **kwargs))
    np.testing.assert_allclose(np.asarray(getattr(minikeras.losses, fn)(y, p, **kwargs)), expected,
                               rtol=1e-5, atol=1e-6)
    sw = rng.uniform(size=(len(y),)).astype("float32")
    for reduction in ("sum_over_batch_size", "sum", None):
        k = getattr(keras.losses, name)(reduction=reduction, **kwargs)
        m = getattr(minikeras.losses, name)(reduction=reduction, **kwargs)
        np.testing.assert_allclose(np.asarray(m(y, p, sample_weight=sw)),
                                   keras.ops.convert_to_numpy(k(y, p, sample_weight=sw)), rtol=1e-5, atol=1e-6)
    k_config = getattr(keras.losses, name)(**kwargs).get_config()
    k_config.pop("dtype", None)
    assert getattr(minikeras.losses, name)(**kwargs).get_config() == k_config


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=IDS)
def test_training_steps_match(name, kwargs, kind):
    activation = {"binary": "sigmoid", "onehot": "softmax"}.get(kind)

    def build(lib):
        inputs = lib.Input((5,))
        return lib.Model(inputs, lib.layers.Dense(4, activation=activation)(inputs))
    kr, mk = build(keras), build(minikeras)
    weights = [rng.normal(0, 0.5, np.shape(w)).astype("float32") for w in mk.get_weights()]
    kr.set_weights(weights)
    mk.set_weights(weights)
    kr.compile(optimizer=keras.optimizers.SGD(0.5), loss=getattr(keras.losses, name)(**kwargs))
    mk.compile(optimizer=minikeras.optimizers.SGD(0.5), loss=getattr(minikeras.losses, name)(**kwargs))
    x = rng.normal(size=(6, 5)).astype("float32")
    y, _ = _data(kind)
    for _ in range(3):
        np.testing.assert_allclose(float(mk.train_on_batch(x, y)), float(kr.train_on_batch(x, y)), rtol=1e-4)
    for a, b in zip(kr.get_weights(), mk.get_weights()):
        np.testing.assert_allclose(b, np.asarray(a), rtol=1e-4, atol=1e-5)
