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


# ----------------------------------------------------------------------------- invert, grayscale, solarization, auto-contrast
from minikeras.layers.preprocessing.color_augmentation import auto_contrast, invert, solarize, to_grayscale  # noqa: E402


def test_invert_and_grayscale_apply_per_image_with_their_probability():
    always = np.asarray(layers.RandomInvert(factor=(1.0, 1.0), seed=0)(IMAGES))
    np.testing.assert_allclose(always, 255 - IMAGES, rtol=1e-6)
    gray = np.asarray(layers.RandomGrayscale(factor=1.0, seed=0)(IMAGES))
    luma = IMAGES @ np.array([0.2989, 0.587, 0.114], "float32")
    np.testing.assert_allclose(gray, np.repeat(luma[..., None], 3, axis=-1), rtol=1e-5)
    never = np.asarray(layers.RandomGrayscale(factor=0.0, seed=0)(IMAGES))
    np.testing.assert_array_equal(never, IMAGES)
    many = np.repeat(IMAGES[:1], 400, axis=0)
    inverted = np.asarray(layers.RandomInvert(factor=(0.5, 0.5), seed=1)(many))[:, 0, 0, 0] != many[:, 0, 0, 0]
    assert 0.4 < inverted.mean() < 0.6


def test_solarization_inverts_above_the_threshold_and_auto_contrast_stretches():
    x = np.array([[[[10.0], [100.0], [250.0]]]], "float32")
    np.testing.assert_allclose(np.asarray(solarize(ops.convert_to_tensor(x), [20.0], [128.0], (0, 255))).ravel(),
                               [30, 120, 0])   # 250 + 20 clips to 255, then 255 - 255
    stretched = np.asarray(auto_contrast(ops.convert_to_tensor(x), (0, 255))).ravel()
    np.testing.assert_allclose(stretched, [0, 255 * 90 / 240, 255], rtol=1e-5)
    flat = np.full((1, 2, 2, 1), 7.0, "float32")
    np.testing.assert_array_equal(np.asarray(auto_contrast(ops.convert_to_tensor(flat), (0, 255))), flat)


def test_random_colour_layers_pass_through_at_inference_and_auto_contrast_always_applies():
    for layer in (layers.RandomInvert(seed=1), layers.RandomGrayscale(factor=1.0), layers.Solarization(0.5, 0.5)):
        np.testing.assert_array_equal(np.asarray(layer(IMAGES, training=False)), IMAGES)
    x = keras.Input((5, 6, 3))
    model = keras.Model(x, layers.AutoContrast()(x))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), np.asarray(auto_contrast(ops.convert_to_tensor(IMAGES),
                                                                                          (0, 255))), rtol=1e-5)


def test_gradients_of_the_colour_changes(float64):
    check_gradients(lambda x: invert(x, [True, False], (0, 1)), (2, 3, 3, 3))
    check_gradients(lambda x: to_grayscale(x, [True, False]), (2, 3, 3, 3))
    check_gradients(lambda x: solarize(ops.multiply(x, 20.0), [5.0, 30.0], [25.0, 200.0], (-100, 100)), (2, 3, 3, 2))
    check_gradients(lambda x: auto_contrast(x, (-5, 5)), (2, 3, 4, 2))


def test_colour_layer_errors_name_the_layer():
    with pytest.raises(ValueError, match="gray_x.*factor"):
        layers.RandomGrayscale(factor=2, name="gray_x")
    with pytest.raises(ValueError, match="channels"):
        layers.RandomGrayscale(factor=1.0)(np.zeros((1, 2, 2, 2), "float32"))
    with pytest.raises(ValueError, match="sol_x.*addition_factor"):
        layers.Solarization(addition_factor=1.5, name="sol_x")
    with pytest.raises(ValueError, match="inv_x.*factor"):
        layers.RandomInvert(factor=-0.5, name="inv_x")
    with pytest.raises(ValueError, match="value_range"):
        layers.AutoContrast(value_range=3)


# ----------------------------------------------------------------------------- colour degeneration, posterization
from minikeras.layers.preprocessing.color_augmentation import degenerate_color, posterize  # noqa: E402


def test_color_degeneration_moves_towards_gray_and_posterization_keeps_high_bits():
    factor_one = np.asarray(layers.RandomColorDegeneration((1.0, 1.0), seed=0)(IMAGES))
    luma = IMAGES @ np.array([0.2989, 0.587, 0.114], "float32")
    np.testing.assert_allclose(factor_one, np.repeat(luma[..., None], 3, axis=-1), rtol=1e-5, atol=1e-3)
    x = np.array([[[[0.0, 37.0, 200.0]]]], "float32")
    np.testing.assert_array_equal(np.asarray(posterize(ops.convert_to_tensor(x), [3], (0, 255))), [[[[0, 32, 192]]]])
    out = np.asarray(layers.RandomPosterization((2, 5), seed=1)(IMAGES))   # 2 to 4 bits: multiples of 16
    assert np.all(out % 16 == 0) and not np.all(out % 64 == 0)
    with pytest.raises(ValueError, match="3 channels"):
        layers.RandomColorDegeneration(0.3)(np.zeros((1, 2, 2, 1), "float32"))
    with pytest.raises(ValueError, match="post_x.*factor"):
        layers.RandomPosterization(9, name="post_x")


def test_color_degeneration_gradient(float64):
    check_gradients(lambda x: degenerate_color(ops.multiply(x, 0.1), [0.3, -0.7], (-10, 10)), (2, 3, 3, 3))


# ----------------------------------------------------------------------------- sharpness, shear
from minikeras.layers.preprocessing.color_augmentation import sharpen  # noqa: E402


def test_sharpness_half_keeps_the_image_and_shear_moves_rows():
    np.testing.assert_allclose(np.asarray(sharpen(ops.convert_to_tensor(IMAGES), [0.5] * 4, (0, 255))), IMAGES,
                               rtol=1e-6)
    flat = np.full((1, 4, 4, 1), 9.0, "float32")
    np.testing.assert_allclose(np.asarray(sharpen(ops.convert_to_tensor(flat), [0.0], (0, 255)))[0, 1:3, 1:3], 9.0,
                               rtol=1e-6)   # blurring a constant image leaves its inside alone
    shear = layers.RandomShear(x_factor=(1.0, 1.0), fill_mode="wrap", interpolation="nearest", seed=0)
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    out = np.asarray(shear(x))[0, :, :, 0]
    sign = 1 if np.array_equal(out[1], np.roll(x[0, 1, :, 0], -1)) else -1   # direction drawn at random
    for row in range(4):
        np.testing.assert_array_equal(out[row], np.roll(x[0, row, :, 0], -sign * row))


def test_sharpness_and_shear_gradients_and_errors(float64):
    check_gradients(lambda x: sharpen(ops.multiply(x, 0.1), [0.2, 0.9], (-10, 10)), (2, 4, 4, 2))
    check_gradients(lambda x: layers.RandomShear(0.3, 0.2, seed=1)(x), (2, 4, 5, 1))
    with pytest.raises(ValueError, match="shear_x.*x_factor"):
        layers.RandomShear(x_factor=1.5, name="shear_x")
    with pytest.raises(ValueError, match="sharp_x.*factor"):
        layers.RandomSharpness(-0.2, name="sharp_x")


def test_random_invert_checks_its_value_range():
    with pytest.raises(ValueError, match=r"RandomInvert\): `value_range` must be a list or tuple of two numbers"):
        layers.RandomInvert(value_range=255)
