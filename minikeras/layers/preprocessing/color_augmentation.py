"""Colour augmentation: ``RandomContrast``, ``RandomBrightness``, ``RandomInvert``,
``RandomGrayscale``, ``RandomColorDegeneration``, ``RandomPosterization``, ``RandomSharpness``,
``Solarization`` and ``AutoContrast``. Like the geometric augmentations
(``image_augmentation``), the random ones draw one change per image while training and pass
images through unchanged at inference; ``AutoContrast`` is not random and always applies.

Both work on pixel values in ``value_range`` (default [0, 255]) and clip their results to it:

- contrast: each channel of each image moves away from (factor > 1) or towards (< 1) its mean
  over the image, ``(x - mean) * factor + mean``, the factor drawn from
  [1 - lower, 1 + upper] for ``factor=(lower, upper)`` (a number f means (0, f): Keras bounds
  the contrast factor's range to [0, 1]);
- brightness: each image gets ``delta * (value_range width)`` added to every pixel, delta drawn
  from [lower, upper] (a number f means (-f, f)).

- invert: with a probability drawn from [lower, upper], ``value_range[1] - x``;
- grayscale: with probability ``factor``, every channel becomes the luma
  0.2989 R + 0.587 G + 0.114 B;
- colour degeneration: each image moved towards (factor > 0) or away from (< 0) its grayscale
  version by a factor drawn from [lower, upper], ``x + factor * (gray - x)``, clipped;
- posterization: on the [0, 255] scale, each pixel keeps only its ``bits`` highest bits (bits
  drawn per image from [lower, upper), a number f meaning [1, f)); not differentiable, as in Keras;
- sharpness: each image blended with a smoothed copy (3x3 kernel, 5/13 in the centre, 1/13
  around, 'same' padding), ``x + (1 - 2 factor) (smooth - x)``: factor 0.5 keeps the image,
  less blurs it, more sharpens it; clipped;
- solarization: on the [0, 255] scale, ``x + addition`` (clipped), then pixels at or above the
  drawn threshold are turned into ``255 - x``;
- auto-contrast: each channel of each image stretched so its minimum and maximum span the value
  range (a constant channel stays as it is).

The draw and the change are separate functions (``adjust_contrast``, ``solarize``, ...), so
each change can be checked on its own against Keras's for the same drawn values.
"""
import numpy as np

from ... import ops
from .common import PreprocessingLayer
from .image import _batched, _check_channels_last
from .image_augmentation import _factor_range, _RandomImageLayer


def _value_range(layer, value_range):
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2:
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): `value_range` must be a list or tuple of "
                         f"two numbers [low, high]; received value_range={value_range!r}.")
    return sorted(value_range)


def adjust_contrast(images, factors, value_range):
    """(batch, h, w, c) images with each image's contrast scaled by its factor (batch of them)."""
    factors = ops.reshape(ops.cast(factors, images.dtype), (-1, 1, 1, 1))
    mean = ops.mean(images, axis=(1, 2), keepdims=True)
    return ops.clip(ops.add(ops.multiply(ops.subtract(images, mean), factors), mean), value_range[0], value_range[1])


def adjust_brightness(images, deltas, value_range):
    """(batch, h, w, c) images with each image's delta (already in pixel units) added, clipped."""
    deltas = ops.reshape(ops.cast(deltas, images.dtype), (-1, 1, 1, 1))
    return ops.clip(ops.add(images, deltas), value_range[0], value_range[1])


class RandomContrast(_RandomImageLayer):
    """Scale each image's contrast by a random factor in [1 - lower, 1 + upper]."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_range(self, factor, "factor", bounds=(0.0, 1.0))
        self.value_range = tuple(_value_range(self, value_range))

    def _augment(self, images, rng):
        factors = rng.uniform(1.0 - self.factor[0], 1.0 + self.factor[1], size=images.shape[0])
        return adjust_contrast(images, factors, self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomBrightness(_RandomImageLayer):
    """Add a random brightness change, a fraction in [lower, upper] of the value range, to each image."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = _factor_range(self, factor, "factor")
        self.value_range = _value_range(self, value_range)

    def _augment(self, images, rng):
        deltas = rng.uniform(self.factor[0], self.factor[1], size=images.shape[0])
        return adjust_brightness(images, deltas * (self.value_range[1] - self.value_range[0]), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


def _to_range(images, source, target):
    """Values moved linearly from the range ``source`` to the range ``target``."""
    if tuple(source) == tuple(target):
        return images
    unit = ops.divide(ops.subtract(images, float(source[0])), float(source[1] - source[0]))
    return ops.add(ops.multiply(unit, float(target[1] - target[0])), float(target[0]))


def invert(images, apply, value_range):
    """``value_range[1] - x`` for the images where ``apply`` (one bool per image) is true."""
    return ops.where(np.asarray(apply, bool)[:, None, None, None], ops.subtract(float(value_range[1]), images), images)


def to_grayscale(images, apply):
    """The luma of RGB images (a one-channel image stays), in every channel, where ``apply``."""
    channels = images.shape[-1]
    gray = images if channels == 1 else ops.sum(
        ops.multiply(images, np.array([0.2989, 0.587, 0.114], np.dtype(images.dtype))), axis=-1, keepdims=True)
    return ops.where(np.asarray(apply, bool)[:, None, None, None], ops.add(ops.zeros_like(images), gray), images)


def solarize(images, additions, thresholds, value_range):
    """Keras's solarization for one addition and threshold per image (on the [0, 255] scale)."""
    shape = (-1, 1, 1, 1)
    x = _to_range(images, value_range, (0, 255))
    x = ops.clip(ops.add(x, ops.reshape(ops.cast(additions, x.dtype), shape)), 0.0, 255.0)
    x = ops.where(ops.less(x, ops.reshape(ops.cast(thresholds, x.dtype), shape)), x, ops.subtract(255.0, x))
    return _to_range(x, (0, 255), value_range)


def auto_contrast(images, value_range):
    """Each channel of each image stretched to span the value range (constant channels kept)."""
    x = _to_range(images, value_range, (0, 255))
    low = ops.min(x, axis=(1, 2), keepdims=True)
    high = ops.max(x, axis=(1, 2), keepdims=True)
    spread = ops.subtract(high, low)
    flat = ops.equal(spread, 0.0)
    scale = ops.divide(255.0, ops.where(flat, 1.0, spread))
    stretched = ops.clip(ops.multiply(ops.subtract(x, low), scale), 0.0, 255.0)
    return ops.where(flat, images, _to_range(stretched, (0, 255), value_range))


class RandomInvert(_RandomImageLayer):
    """Invert each image (``value_range[1] - x``) with a probability drawn from ``factor``."""

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_range(self, factor, "factor", bounds=(0.0, 1.0))
        _value_range(self, value_range)   # checked; kept in the given order (``value_range[1] - x``, as Keras)
        self.value_range = tuple(value_range)

    def _augment(self, images, rng):
        batch = images.shape[0]
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        return invert(images, rng.uniform(0, 1, size=batch) < probability, self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomGrayscale(_RandomImageLayer):
    """Turn each image grayscale (kept in all its channels) with probability ``factor``."""

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"Layer {self.name} (RandomGrayscale): `factor` should be between 0 and 1. "
                             f"Received: factor={factor!r}")
        self.factor = factor

    def _augment(self, images, rng):
        if images.shape[-1] not in (1, 3):
            raise ValueError(f"Layer {self.name} (RandomGrayscale): expects 3 (RGB) or 1 (grayscale) channels; "
                             f"received images of shape {tuple(images.shape)}.")
        return to_grayscale(images, rng.uniform(0, 1, size=images.shape[0]) < self.factor)

    def get_config(self):
        config = {**super().get_config(), "factor": self.factor}
        config.pop("seed")   # Keras's RandomGrayscale does not write its seed
        return config


class Solarization(_RandomImageLayer):
    """Add a random brightness and invert the pixels above a random threshold, per image;
    ``addition_factor`` and ``threshold_factor`` are fractions of 255 (a number f means (0, f))."""

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = self._factor(addition_factor, "addition_factor")
        self.threshold_factor = self._factor(threshold_factor, "threshold_factor")
        self.value_range = _value_range(self, value_range)

    def _factor(self, factor, name):
        values = list(factor) if isinstance(factor, (list, tuple)) else [0, factor]
        if len(values) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1
                                   for v in values):
            raise ValueError(f"Layer {self.name} (Solarization): `{name}` should be a number (or a list of two "
                             f"numbers) in the range [0, 1]. Received: {name}={factor!r}")
        return tuple(sorted(values))

    def _augment(self, images, rng):
        batch = images.shape[0]
        # Keras draws from [lower, upper * 255] (only the upper bound is scaled): so does minikeras
        additions = rng.uniform(self.addition_factor[0], self.addition_factor[1] * 255, size=batch)
        thresholds = rng.uniform(self.threshold_factor[0], self.threshold_factor[1] * 255, size=batch)
        return solarize(images, additions, thresholds, self.value_range)

    def get_config(self):
        config = super().get_config()
        return {**config, "value_range": list(self.value_range), "addition_factor": list(self.addition_factor),
                "threshold_factor": list(self.threshold_factor)}


class AutoContrast(PreprocessingLayer):
    """Stretch each channel of each image to span ``value_range``, in training and inference."""

    def __init__(self, value_range=(0, 255), data_format=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(self, data_format)
        self.value_range = _value_range(self, value_range)

    def call(self, inputs, training=None):   # the same in training and inference
        images, single = _batched(self, inputs)
        out = auto_contrast(ops.cast(images, self.dtype), self.value_range)
        return ops.squeeze(out, 0) if single else out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last", "value_range": list(self.value_range)}


def _luma(images):
    return ops.sum(ops.multiply(images, np.array([0.2989, 0.587, 0.114], np.dtype(images.dtype))), axis=-1,
                   keepdims=True)


def degenerate_color(images, factors, value_range):
    """``x + factor * (gray - x)`` per image (one factor each), clipped to the value range."""
    factors = ops.reshape(ops.cast(factors, images.dtype), (-1, 1, 1, 1))
    moved = ops.add(images, ops.multiply(factors, ops.subtract(_luma(images), images)))
    return ops.clip(moved, value_range[0], value_range[1])


def posterize(images, bits, value_range):
    """Each pixel (on the [0, 255] scale, truncated to an integer) keeping its ``bits`` highest bits,
    one bit count per image; a rounding, so it passes no gradient."""
    x = np.asarray(_to_range(images, value_range, (0, 255)))
    shift = (8 - np.asarray(bits, np.int64)).reshape(-1, 1, 1, 1)
    pixels = x.astype(np.uint8).astype(np.int64)   # as Keras: a cast to uint8 (truncation)
    kept = ((pixels >> shift) << shift).astype(np.dtype(images.dtype))
    return _to_range(ops.convert_to_tensor(kept), (0, 255), value_range)


def _check_three_channels(layer, images):
    if images.shape[-1] != 3:
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): input images must have 3 channels, "
                         f"received images of shape {tuple(images.shape)}.")


class RandomColorDegeneration(_RandomImageLayer):
    """Blend each image with its grayscale version by a factor drawn from ``factor``."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_range(self, factor, "factor")
        self.value_range = _value_range(self, value_range)

    def _augment(self, images, rng):
        _check_three_channels(self, images)
        return degenerate_color(images, rng.uniform(self.factor[0], self.factor[1], size=images.shape[0]),
                                self.value_range)

    def compute_output_shape(self, input_shape):
        if input_shape[-1] is not None and input_shape[-1] != 3:
            raise ValueError(f"Layer {self.name} (RandomColorDegeneration): input images must have 3 channels, "
                             f"received input shape {tuple(input_shape)}.")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomPosterization(_RandomImageLayer):
    """Reduce each image to a random number of bits per channel value, from [lower, upper)
    (``factor`` in [1, 8]; a number f means [1, f); with lower == upper, exactly that many)."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        low, high = _factor_range(self, factor, "factor", bounds=(1.0, 8.0))
        self.factor = (int(low), int(high))
        self.value_range = _value_range(self, value_range)

    def _augment(self, images, rng):
        batch = images.shape[0]
        low, high = self.factor
        bits = rng.integers(low, high, size=batch) if low != high else np.full(batch, low)
        return posterize(images, bits, self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


def sharpen(images, factors, value_range):
    """``x + (1 - 2 factor) (smooth - x)`` per image, smooth a 3x3 depthwise blur; clipped."""
    channels = images.shape[-1]
    a, b = 1.0 / 13.0, 5.0 / 13.0
    kernel = np.array([[a, a, a], [a, b, a], [a, a, a]], np.dtype(images.dtype)).reshape(3, 3, 1, 1)
    smooth = ops.depthwise_conv(images, np.tile(kernel, (1, 1, channels, 1)), strides=1, padding="same")
    weights = ops.reshape(ops.cast(ops.subtract(1.0, ops.multiply(ops.convert_to_tensor(factors), 2.0)),
                                   images.dtype), (-1, 1, 1, 1))
    moved = ops.add(images, ops.multiply(weights, ops.subtract(smooth, images)))
    return ops.clip(moved, value_range[0], value_range[1])


class RandomSharpness(_RandomImageLayer):
    """Sharpen or blur each image by a factor drawn from ``factor`` (in [0, 1]; a number f means
    (0, f)); see ``sharpen``."""

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = _factor_range(self, factor, "factor", bounds=(0.0, 1.0))
        self.value_range = _value_range(self, value_range)

    def _augment(self, images, rng):
        return sharpen(images, rng.uniform(self.factor[0], self.factor[1], size=images.shape[0]), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}
