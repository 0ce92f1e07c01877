"""Preprocessing layers against real Keras 3 (torch backend): the same inputs give the same
outputs for every deterministic layer, adapt() learns the same statistics, and the affine
sampling behind the random image layers equals ``keras.ops.image.affine_transform``.

StringLookup, IntegerLookup, Hashing and TextVectorization need TensorFlow in Keras 3; they
are checked against Keras's documented outputs in tests/layers/test_preprocessing.py.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_preprocessing_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402
from minikeras.layers.preprocessing.image_augmentation import (affine_transform, rotation_transforms,  # noqa: E402
                                                               translation_transforms, zoom_transforms)

IMAGES = (np.random.default_rng(0).random((2, 7, 9, 3)) * 255).astype("float32")


def _same(a, b, rtol=1e-5, atol=1e-4):
    b = keras.ops.convert_to_numpy(b)
    a = np.asarray(a)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(a.astype("float64"), b.astype("float64"), rtol=rtol, atol=atol)


def _both(name, *args, **kwargs):
    return getattr(minikeras.layers, name)(*args, **kwargs), getattr(keras.layers, name)(*args, **kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(height=3, width=4), dict(height=12, width=5), dict(height=7, width=9),
    dict(height=3, width=4, interpolation="nearest"), dict(height=14, width=20, interpolation="nearest"),
    dict(height=4, width=4, crop_to_aspect_ratio=True), dict(height=6, width=3, crop_to_aspect_ratio=True),
    dict(height=4, width=4, pad_to_aspect_ratio=True, fill_value=9.0),
], ids=str)
def test_resizing(kwargs):
    mk, kr = _both("Resizing", **kwargs)
    _same(mk(IMAGES), kr(IMAGES))
    _same(mk(IMAGES[0]), kr(IMAGES[0]))
    _same(mk(IMAGES.astype("uint8")), kr(IMAGES.astype("uint8")), atol=1)  # ties may round either way


@pytest.mark.parametrize("size", [(3, 4), (7, 9), (5, 2), (10, 12), (2, 11)], ids=str)
def test_center_crop(size):
    mk, kr = _both("CenterCrop", *size)
    _same(mk(IMAGES), kr(IMAGES))


@pytest.mark.parametrize("scale, offset", [(1 / 255, 0.0), (1 / 127.5, -1.0), (np.array([1.0, 2.0, 0.5]), 3.0)])
def test_rescaling(scale, offset):
    mk, kr = _both("Rescaling", scale, offset)
    _same(mk(IMAGES), kr(IMAGES))
    _same(mk(IMAGES.astype("uint8")), kr(IMAGES.astype("uint8")))


@pytest.mark.parametrize("axis", [-1, None, (1, 2), (1, -1)], ids=str)
def test_normalization_adapt(axis):
    mk, kr = _both("Normalization", axis=axis)
    mk.adapt(IMAGES)
    kr.adapt(IMAGES)
    _same(mk(IMAGES), kr(IMAGES))
    assert [w.name for w in mk.weights] == [w.name for w in kr.weights]
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, keras.ops.convert_to_numpy(b), rtol=1e-5)


def test_normalization_given_statistics_and_invert():
    for invert in (False, True):
        mk, kr = _both("Normalization", mean=[1.0, 2.0, 3.0], variance=[4.0, 0.5, 9.0], invert=invert)
        _same(mk(IMAGES), kr(IMAGES))


def test_an_adapted_normalization_file_crosses_both_ways(tmp_path):
    model = {}
    for lib in (minikeras, keras):
        x = lib.Input((7, 9, 3))
        layer = lib.layers.Normalization()
        layer.adapt(IMAGES * (2 if lib is keras else 1))
        model[lib] = lib.Model(x, layer(x))
    model[minikeras].save(tmp_path / "m.keras")
    model[keras].save(tmp_path / "k.keras")
    into_keras = keras.models.load_model(tmp_path / "m.keras")
    into_minikeras = minikeras.models.load_model(tmp_path / "k.keras")
    _same(model[minikeras].predict(IMAGES, verbose=0), into_keras.predict(IMAGES, verbose=0))
    _same(into_minikeras.predict(IMAGES, verbose=0), model[keras].predict(IMAGES, verbose=0))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization(mode):
    values = np.random.default_rng(1).normal(size=(20, 3)).astype("float32")
    mk, kr = _both("Discretization", bin_boundaries=[-1.0, -0.2, 0.0, 0.7], output_mode=mode)
    _same(mk(values), kr(values))


@pytest.mark.parametrize("num_bins, epsilon", [(4, 0.01), (3, 0.1), (10, 0.001)])
def test_discretization_adapt_learns_keras_boundaries(num_bins, epsilon):
    values = np.random.default_rng(2).gamma(2.0, size=(500, 2)).astype("float32")
    mk, kr = _both("Discretization", num_bins=num_bins, epsilon=epsilon)
    mk.adapt(values)
    # Keras's adapt() needs TensorFlow for its input check; these are the steps it runs on an array.
    kr.reset_state()
    kr.update_state(values)
    kr.finalize_state()
    np.testing.assert_allclose(mk.bin_boundaries, kr.bin_boundaries, rtol=1e-6)
    _same(mk(values), kr(values))


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(6,), (6, 1), (6, 3)], ids=str)
def test_category_encoding(mode, shape):
    ids = np.random.default_rng(3).integers(0, 5, size=shape)
    mk, kr = _both("CategoryEncoding", num_tokens=5, output_mode=mode)
    _same(mk(ids), kr(ids))


def test_category_encoding_count_weights():
    ids = np.array([[0, 1, 1], [4, 2, 0]])
    weights = np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 1.0]], "float32")
    mk, kr = _both("CategoryEncoding", num_tokens=5, output_mode="count")
    _same(mk(ids, count_weights=weights), kr(ids, count_weights=weights))


TRANSFORMS = np.concatenate([
    rotation_transforms(np.array([0.3, -1.1, np.pi / 2]), 7, 9),
    zoom_transforms(np.array([0.7, 1.3, 1.0]), np.array([1.2, 0.8, 0.5]), 7, 9),
    translation_transforms(np.array([1.5, -2.2, 4.0]), np.array([0.4, 3.0, -2.5])),
]).astype("float32")


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_sampling_of_the_random_layers(fill_mode, interpolation):
    images = np.concatenate([IMAGES, IMAGES[:1]] * 3)[:len(TRANSFORMS)]
    ours = affine_transform(minikeras.ops.convert_to_tensor(images), TRANSFORMS, interpolation, fill_mode, 5.0)
    theirs = keras.ops.image.affine_transform(images, TRANSFORMS, interpolation, fill_mode, 5.0)
    _same(ours, theirs, atol=2e-4)


@pytest.mark.parametrize("name, args", [("RandomFlip", ("horizontal",)), ("RandomRotation", (0.2,)),
                                        ("RandomZoom", (0.3, 0.2)), ("RandomTranslation", (0.2, 0.1))])
def test_random_layers_pass_images_through_at_inference_and_configs_match(name, args):
    mk, kr = _both(name, *args, seed=4)
    _same(mk(IMAGES, training=False), kr(IMAGES, training=False))
    mk_config, kr_config = mk.get_config(), kr.get_config()
    for config in (mk_config, kr_config):
        config.pop("name")
        config.pop("dtype", None)
    kr_config = {k: list(v) if isinstance(v, tuple) else v for k, v in kr_config.items()}
    assert mk_config == kr_config


@pytest.mark.parametrize("name, kwargs", [
    ("Rescaling", dict(scale=0.5, offset=1.0)), ("Normalization", dict(mean=[1.0, 2.0, 3.0], variance=[1.0, 2.0, 3.0])),
    ("Resizing", dict(height=3, width=4)), ("CenterCrop", dict(height=3, width=4)),
    ("Discretization", dict(bin_boundaries=[0.0, 1.0])), ("CategoryEncoding", dict(num_tokens=3, output_mode="count")),
])
def test_deterministic_layer_configs_match(name, kwargs):
    mk, kr = _both(name, **kwargs)
    mk_config, kr_config = mk.get_config(), kr.get_config()
    for config in (mk_config, kr_config):
        config.pop("name")
        config.pop("dtype", None)
    kr_config = {k: list(v) if isinstance(v, tuple) else v for k, v in kr_config.items()}
    assert set(mk_config) == set(kr_config)
    for key in mk_config:
        if key not in ("mean", "variance"):
            assert mk_config[key] == kr_config[key], key
