"""Parity with real Keras 3, layer by layer: the same architecture and weights give the same
outputs (float32, rtol 1e-4), and one SGD step on the same batch gives the same new weights.

Run with the parity environment (Keras 3 on the torch backend):
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_layer_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402
from tests.saving.test_serialization import (ALL_CASES, LAYER_CASES, MERGE_CASES, NEEDS_TENSORFLOW,  # noqa: E402
                                      WRAPPER_CASES, build_case, case_inputs, randomize_weights)

RTOL, ATOL = 1e-4, 1e-5
# Layers whose output is random in training, or have no weights to train.
NO_TRAINING_STEP = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                    "GaussianDropout", "AlphaDropout", "RandomFlip", "RandomRotation", "RandomZoom",
                    "RandomTranslation", "RandomContrast", "RandomBrightness", "RandomCrop", "CategoryEncoding",
                    "RandomInvert", "RandomGrayscale", "Solarization", "AutoContrast",
                    "RandomColorDegeneration", "RandomPosterization", "Pipeline",
                    "RandomSharpness", "RandomShear",
                    "IntegerLookup", "Discretization", "Hashing",
                    "StringLookup", "TextVectorization"}


def _pair(name, build=build_case):
    if name in NEEDS_TENSORFLOW:
        pytest.skip(f"Keras's {name} needs TensorFlow")
    minikeras.backend.clear_session()
    mk = build(minikeras, name)
    randomize_weights(mk)
    kr = build(keras, name)
    kr.set_weights(mk.get_weights())
    return mk, kr


def with_dense_in_front(lib, name):
    """The case's layer fed by a Dense, so a training step exercises the layer's backward
    even when the layer itself has no weights."""
    if name in MERGE_CASES:
        shape, kwargs = MERGE_CASES[name]
        a, b = lib.Input(shape), lib.Input(shape)
        front = [lib.layers.Dense(shape[-1])(t) for t in (a, b)]
        return lib.Model([a, b], getattr(lib.layers, name)(**kwargs)(front))
    if name in WRAPPER_CASES:
        shape, make = WRAPPER_CASES[name]
        x = lib.Input(shape)
        return lib.Model(x, make(lib)(lib.layers.Dense(shape[-1])(x)))
    shape, kwargs, kind = LAYER_CASES[name]
    if kind == "int":
        return build_case(lib, name)
    x = lib.Input(shape)
    return lib.Model(x, getattr(lib.layers, name)(**kwargs)(lib.layers.Dense(shape[-1])(x)))


def _outputs(model, x, **kwargs):
    out = model.predict(x, verbose=0, **kwargs)
    return [np.asarray(o) for o in out] if isinstance(out, (list, tuple)) else [np.asarray(out)]


@pytest.mark.parametrize("name", ALL_CASES)
def test_same_weights_give_the_same_outputs(name):
    mk, kr = _pair(name)
    x = case_inputs(name, n=4)
    for a, b in zip(_outputs(mk, x), _outputs(kr, x)):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", [n for n in ALL_CASES if n not in NO_TRAINING_STEP])
def test_one_sgd_step_gives_the_same_weights(name):
    mk, kr = _pair(name, with_dense_in_front)
    x = case_inputs(name, n=4)
    outputs = _outputs(mk, x)
    targets = [np.random.default_rng(2).standard_normal(o.shape).astype("float32") for o in outputs]
    targets = targets[0] if len(targets) == 1 else targets
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1), loss="mse")
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    mk_loss = mk.train_on_batch(x, targets)
    kr_loss = kr.train_on_batch(x, targets)
    np.testing.assert_allclose(np.ravel(mk_loss)[0], np.ravel(kr_loss)[0], rtol=RTOL, atol=ATOL)
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=RTOL, atol=ATOL)
