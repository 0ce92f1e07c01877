"""Parity of RandomContrast, RandomBrightness and RandomCrop with Keras 3 (torch backend).
The random draws come from different generators, so the comparison is of what each layer does
with a drawn value: Keras's ``transform_images`` given the same contrast factors, brightness
deltas or crop corner; and the configs, the inference behaviour and the drawn ranges.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_color_and_crop_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402
from minikeras.layers.preprocessing.color_augmentation import adjust_brightness, adjust_contrast  # noqa: E402
from minikeras.layers.preprocessing.image_augmentation import crop  # noqa: E402

IMAGES = (np.random.default_rng(0).random((3, 6, 7, 3)) * 255).astype("float32")


def _same(a, b, atol=1e-3):
    np.testing.assert_allclose(np.asarray(a), keras.ops.convert_to_numpy(b), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("value_range", [(0, 255), (50, 200)])
def test_contrast_change_is_keras(value_range):
    factors = np.array([0.4, 1.0, 1.9], "float32")
    layer = keras.layers.RandomContrast(0.5, value_range=value_range)
    theirs = layer.transform_images(keras.ops.convert_to_tensor(IMAGES.copy()), {"contrast_factor": factors.reshape(3, 1, 1, 1)}, training=True)
    _same(adjust_contrast(minikeras.ops.convert_to_tensor(IMAGES), factors, value_range), theirs)


@pytest.mark.parametrize("value_range", [(0, 255), (20, 100)])
def test_brightness_change_is_keras(value_range):
    deltas = np.array([-40.0, 0.0, 75.5], "float32")
    layer = keras.layers.RandomBrightness(0.5, value_range=value_range)
    theirs = layer.transform_images(keras.ops.convert_to_tensor(IMAGES.copy()), {"rgb_delta": deltas.reshape(3, 1, 1, 1)}, training=True)
    _same(adjust_brightness(minikeras.ops.convert_to_tensor(IMAGES), deltas, sorted(value_range)), theirs)


@pytest.mark.parametrize("corner", [(0, 0), (2, 1), (3, 3)])
def test_random_crop_window_is_keras(corner):
    layer = keras.layers.RandomCrop(3, 4)
    _same(crop(minikeras.ops.convert_to_tensor(IMAGES), corner[0], corner[1], 3, 4),
          layer.transform_images(keras.ops.convert_to_tensor(IMAGES.copy()), corner, training=True))


@pytest.mark.parametrize("size", [(6, 9), (8, 7), (6, 7)])
def test_random_crop_of_images_not_larger_than_the_target_is_keras(size):
    ours = minikeras.layers.RandomCrop(*size, seed=1)(IMAGES, training=True)
    theirs = keras.layers.RandomCrop(*size, seed=1)(keras.ops.convert_to_tensor(IMAGES.copy()), training=True)
    _same(ours, theirs)


@pytest.mark.parametrize("name, kwargs", [("RandomContrast", dict(factor=(0.1, 0.4), value_range=(0, 1), seed=2)),
                                          ("RandomContrast", dict(factor=0.3)),
                                          ("RandomBrightness", dict(factor=0.3, value_range=(10, 0))),
                                          ("RandomBrightness", dict(factor=(-0.5, 0.1), seed=4)),
                                          ("RandomCrop", dict(height=3, width=4, seed=5))])
def test_configs_and_inference_are_keras(name, kwargs):
    ours, theirs = getattr(minikeras.layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    configs = [ours.get_config(), theirs.get_config()]
    for config in configs:
        config.pop("name")
        config.pop("dtype", None)
    configs[1] = {k: list(v) if isinstance(v, tuple) else v for k, v in configs[1].items()}
    assert configs[0] == configs[1]
    if name != "RandomCrop":   # Keras 3.15's RandomCrop returns inference images uncropped (see the layer)
        _same(ours(IMAGES, training=False), theirs(keras.ops.convert_to_tensor(IMAGES.copy()), training=False))
    clone = keras.layers.deserialize({"class_name": name, "config": ours.get_config(), "module": "keras.layers"})
    assert type(clone).__name__ == name


# ----------------------------------------------------------------------------- invert, grayscale, solarization, auto-contrast
from minikeras.layers.preprocessing.color_augmentation import (auto_contrast, invert, solarize,  # noqa: E402
                                                               to_grayscale)


def _keras_images():
    return keras.ops.convert_to_tensor(IMAGES.copy())


def test_invert_is_keras():
    apply = np.array([True, False, True])
    theirs = keras.layers.RandomInvert(value_range=(0, 255)).transform_images(
        _keras_images(), {"apply_inversion": keras.ops.convert_to_tensor(apply)}, training=True)
    _same(invert(minikeras.ops.convert_to_tensor(IMAGES), apply, (0, 255)), theirs)


def test_grayscale_is_keras():
    apply = np.array([False, True, True])
    theirs = keras.layers.RandomGrayscale().transform_images(
        _keras_images(), keras.ops.convert_to_tensor(apply.reshape(3, 1, 1, 1)), training=True)
    _same(to_grayscale(minikeras.ops.convert_to_tensor(IMAGES), apply), theirs)


@pytest.mark.parametrize("value_range", [(0, 255), (-1, 1)])
def test_solarization_is_keras(value_range):
    images = IMAGES / 255.0 * (value_range[1] - value_range[0]) + value_range[0]
    additions = np.array([0.0, 30.0, 80.0], "float32").reshape(3, 1, 1, 1)
    thresholds = np.array([200.0, 100.0, 10.0], "float32").reshape(3, 1, 1, 1)
    layer = keras.layers.Solarization(0.5, 0.5, value_range=value_range)
    theirs = layer.transform_images(keras.ops.convert_to_tensor(images.copy()),
                                    {"additions": keras.ops.convert_to_tensor(additions),
                                     "thresholds": keras.ops.convert_to_tensor(thresholds)}, training=True)
    _same(solarize(minikeras.ops.convert_to_tensor(images), additions.ravel(), thresholds.ravel(), value_range), theirs,
          atol=1e-3 * (value_range[1] - value_range[0]) / 255 + 1e-5)


@pytest.mark.parametrize("value_range", [(0, 255), (-1, 1)])
def test_auto_contrast_is_keras_in_training_and_inference(value_range):
    images = IMAGES / 255.0 * (value_range[1] - value_range[0]) * 0.5 + value_range[0] + 0.1
    images[0, :, :, 1] = value_range[0] + 0.2   # a constant channel is kept as it is
    for training in (True, False):
        ours = minikeras.layers.AutoContrast(value_range=value_range)(images, training=training)
        theirs = keras.layers.AutoContrast(value_range=value_range)(keras.ops.convert_to_tensor(images.copy()),
                                                                    training=training)
        _same(ours, theirs, atol=1e-4)
    _same(auto_contrast(minikeras.ops.convert_to_tensor(images), value_range),
          keras.layers.AutoContrast(value_range=value_range)(keras.ops.convert_to_tensor(images.copy())), atol=1e-4)


@pytest.mark.parametrize("name, kwargs", [("RandomInvert", dict(factor=0.4, value_range=(0, 1), seed=2)),
                                          ("RandomGrayscale", dict(factor=0.3)),
                                          ("Solarization", dict(addition_factor=(0.1, 0.3), threshold_factor=0.5)),
                                          ("AutoContrast", dict(value_range=(10, 0)))])
def test_more_configs_and_inference_are_keras(name, kwargs):
    test_configs_and_inference_are_keras(name, kwargs)


# ----------------------------------------------------------------------------- colour degeneration, posterization
from minikeras.layers.preprocessing.color_augmentation import degenerate_color, posterize  # noqa: E402


@pytest.mark.parametrize("value_range", [(0, 255), (-1, 1)])
def test_color_degeneration_is_keras(value_range):
    images = IMAGES / 255.0 * (value_range[1] - value_range[0]) + value_range[0]
    factors = np.array([-0.6, 0.2, 1.0], "float32")
    theirs = keras.layers.RandomColorDegeneration(0.5, value_range=value_range).transform_images(
        keras.ops.convert_to_tensor(images.copy()), {"factor": keras.ops.convert_to_tensor(factors.reshape(3, 1, 1, 1))},
        training=True)
    _same(degenerate_color(minikeras.ops.convert_to_tensor(images), factors, value_range), theirs, atol=1e-4)


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1)])
def test_posterization_is_keras(value_range):
    images = IMAGES / 255.0 * (value_range[1] - value_range[0]) + value_range[0]
    bits = np.array([1, 4, 8])
    theirs = keras.layers.RandomPosterization(4, value_range=value_range).transform_images(
        keras.ops.convert_to_tensor(images.copy()),
        {"shift_factor": keras.ops.convert_to_tensor((8 - bits).astype("uint8"))}, training=True)
    _same(posterize(minikeras.ops.convert_to_tensor(images), bits, value_range), theirs, atol=1e-5)


@pytest.mark.parametrize("name, kwargs", [("RandomColorDegeneration", dict(factor=(0.1, 0.7), value_range=(0, 1))),
                                          ("RandomColorDegeneration", dict(factor=0.3, seed=3)),
                                          ("RandomPosterization", dict(factor=4)),
                                          ("RandomPosterization", dict(factor=(2, 6), seed=1))])
def test_degeneration_and_posterization_configs_are_keras(name, kwargs):
    test_configs_and_inference_are_keras(name, kwargs)


# ----------------------------------------------------------------------------- sharpness, shear
from minikeras.layers.preprocessing.color_augmentation import sharpen  # noqa: E402
from minikeras.layers.preprocessing.image_augmentation import affine_transform, shear_transforms  # noqa: E402


@pytest.mark.parametrize("value_range", [(0, 255), (-1, 1)])
def test_sharpness_is_keras(value_range):
    images = IMAGES / 255.0 * (value_range[1] - value_range[0]) + value_range[0]
    factors = np.array([0.0, 0.5, 0.9], "float32")
    theirs = keras.layers.RandomSharpness(0.5, value_range=value_range).transform_images(
        keras.ops.convert_to_tensor(images.copy()), {"factor": keras.ops.convert_to_tensor(factors)}, training=True)
    _same(sharpen(minikeras.ops.convert_to_tensor(images), factors, value_range), theirs, atol=1e-4)


@pytest.mark.parametrize("fill_mode", ["reflect", "constant"])
def test_shear_is_keras(fill_mode):
    factors = np.array([[0.3, -0.1], [-0.2, 0.25], [0.0, 0.4]], "float32")
    layer = keras.layers.RandomShear(0.5, 0.5, fill_mode=fill_mode, fill_value=3.0)
    theirs = layer.transform_images(keras.ops.convert_to_tensor(IMAGES.copy()),
                                    {"shear_factor": keras.ops.convert_to_tensor(factors), "input_shape": IMAGES.shape},
                                    training=True)
    ours = affine_transform(minikeras.ops.convert_to_tensor(IMAGES), shear_transforms(factors[:, 0], factors[:, 1]),
                            "bilinear", fill_mode, 3.0)
    _same(ours, theirs, atol=2e-4)


@pytest.mark.parametrize("name, kwargs", [("RandomSharpness", dict(factor=0.4, seed=1)),
                                          ("RandomSharpness", dict(factor=(0.2, 0.9), value_range=(0, 1))),
                                          ("RandomShear", dict(x_factor=(0.1, 0.3), y_factor=(0.0, 0.5), seed=2)),
                                          ("RandomShear", dict(x_factor=0.2, interpolation="nearest",
                                                               fill_mode="wrap"))])
def test_sharpness_and_shear_configs_are_keras(name, kwargs):
    ours, theirs = getattr(minikeras.layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    configs = [ours.get_config(), theirs.get_config()]
    for config in configs:
        config.pop("name")
        config.pop("dtype", None)
    configs[1] = {k: list(v) if isinstance(v, tuple) else v for k, v in configs[1].items()}
    assert configs[0] == configs[1]
    _same(ours(IMAGES, training=False), theirs(keras.ops.convert_to_tensor(IMAGES.copy()), training=False))
