"""minikeras.layers.preprocessing: RandomContrast, RandomBrightness (color_augmentation) and
RandomCrop (image_augmentation): the drawn ranges, the changes themselves, clipping to the
value range, inference behaviour, seeds, gradients and errors. (Keras parity:
tests/parity/test_color_and_crop_parity.py.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.layers.preprocessing.color_augmentation import adjust_brightness, adjust_contrast
from tests.ops.test_numpy import check_gradients

IMAGES = (np.random.default_rng(0).random((4, 5, 6, 3)) * 255).astype("float32")


def test_contrast_scales_each_channel_about_its_mean_within_the_drawn_range():
    layer = layers.RandomContrast((0.3, 0.5), seed=2)
    assert layer.factor == (0.3, 0.5)
    out = np.asarray(layer(IMAGES / 255.0 * 100 + 50))   # away from the clipping bounds
    x = IMAGES / 255.0 * 100 + 50
    mean = x.mean(axis=(1, 2), keepdims=True)
    factors = ((out - mean) / (x - mean)).reshape(4, -1)
    np.testing.assert_allclose(factors, factors[:, :1].repeat(factors.shape[1], 1), rtol=1e-3)
    assert np.all((factors >= 0.7 - 1e-3) & (factors <= 1.5 + 1e-3))
    assert len(np.unique(np.round(factors[:, 0], 4))) == 4      # one factor per image


def test_a_single_number_means_zero_to_it_for_contrast_and_plus_minus_for_brightness():
    assert layers.RandomContrast(0.2).factor == (0.0, 0.2)
    assert layers.RandomBrightness(0.2).factor == (-0.2, 0.2)
    assert layers.RandomBrightness((0.5, -0.1)).factor == (-0.1, 0.5)


def test_brightness_adds_one_delta_per_image_and_clips():
    layer = layers.RandomBrightness((0.1, 0.2), value_range=(0, 255), seed=3)
    out = np.asarray(layer(IMAGES))
    delta = out - IMAGES
    inside = out < 255
    for image, d in zip(inside, delta):
        values = d[image]
        np.testing.assert_allclose(values, values[0], atol=1e-3)
        assert 0.1 * 255 - 1e-3 <= values[0] <= 0.2 * 255 + 1e-3
    assert out.max() == 255


def test_the_changes_clip_to_the_value_range():
    x = np.array([[[[0.0], [1.0]], [[0.2], [0.9]]]], "float32")
    np.testing.assert_allclose(np.asarray(adjust_contrast(ops.convert_to_tensor(x), [3.0], (0, 1))).ravel(),
                               [0, 1, 0, 1])
    np.testing.assert_allclose(np.asarray(adjust_brightness(ops.convert_to_tensor(x), [0.5], (0, 1))).ravel(),
                               [0.5, 1, 0.7, 1])


def test_inference_passes_colour_layers_through_and_seeds_repeat():
    for make in (lambda: layers.RandomContrast(0.5, seed=5), lambda: layers.RandomBrightness(0.5, seed=5)):
        np.testing.assert_array_equal(np.asarray(make()(IMAGES, training=False)), IMAGES)
        np.testing.assert_array_equal(np.asarray(make()(IMAGES)), np.asarray(make()(IMAGES)))
        x = keras.Input((5, 6, 3))
        model = keras.Model(x, make()(x))
        np.testing.assert_array_equal(model.predict(IMAGES, verbose=0), IMAGES)


def test_random_crop_takes_one_window_of_the_target_size():
    out = np.asarray(layers.RandomCrop(3, 4, seed=1)(IMAGES))
    assert out.shape == (4, 3, 4, 3)
    windows = {(top, left) for top in range(3) for left in range(3)
               if np.array_equal(IMAGES[:, top:top + 3, left:left + 4], out)}
    assert len(windows) == 1
    seen = {tuple(np.asarray(layers.RandomCrop(3, 4, seed=s)(IMAGES))[0, 0, :2, 0]) for s in range(12)}
    assert len(seen) > 1


def test_random_crop_at_inference_and_for_small_images_resizes_the_centred_aspect_window():
    model_input = keras.Input((5, 6, 3))
    model = keras.Model(model_input, layers.RandomCrop(2, 4)(model_input))
    expected = np.asarray(layers.Resizing(2, 4, crop_to_aspect_ratio=True)(IMAGES))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), expected, rtol=1e-5, atol=1e-4)
    small = np.asarray(layers.RandomCrop(5, 8)(IMAGES, training=True))   # Keras's cut: parity tier
    assert small.shape == (4, 5, 8, 3)
    one = np.asarray(layers.RandomCrop(3, 3, seed=0)(IMAGES[0]))
    assert one.shape == (3, 3, 3)


def test_gradients_flow_through_the_changes(float64):
    check_gradients(lambda x: adjust_contrast(ops.multiply(x, 0.1), [1.3, 0.6], (-10, 10)), (2, 3, 4, 2))
    check_gradients(lambda x: adjust_brightness(x, [0.2, -0.4], (-10, 10)), (2, 3, 4, 2))
    check_gradients(lambda x: layers.RandomCrop(2, 3, seed=0)(x), (2, 4, 5, 2))
    check_gradients(lambda x: layers.RandomCrop(2, 3)(x, training=False), (2, 4, 5, 2))


def test_configs_round_trip_and_errors_name_the_layer():
    for layer in (layers.RandomContrast((0.1, 0.4), value_range=(0, 1), seed=3),
                  layers.RandomBrightness(0.2, value_range=[-1, 1]), layers.RandomCrop(3, 4, seed=7)):
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="contrast_x.*factor"):
        layers.RandomContrast(1.5, name="contrast_x")
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.2, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="crop_x.*height"):
        layers.RandomCrop(0, 3, name="crop_x")
    with pytest.raises(ValueError, match="RandomCrop.*shape"):
        layers.RandomCrop(2, 2)(np.zeros((2, 3), "float32"))
