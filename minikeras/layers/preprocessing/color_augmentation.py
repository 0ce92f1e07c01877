"""Random colour augmentation: ``RandomContrast`` and ``RandomBrightness``. Like the geometric
augmentations (``image_augmentation``), they draw one random change per image while training
and pass images through unchanged at inference.

Both work on pixel values in ``value_range`` (default [0, 255]) and clip their results to it:

- contrast: each channel of each image moves away from (factor > 1) or towards (< 1) its mean
  over the image, ``(x - mean) * factor + mean``, the factor drawn from
  [1 - lower, 1 + upper] for ``factor=(lower, upper)`` (a number f means (0, f): Keras bounds
  the contrast factor's range to [0, 1]);
- brightness: each image gets ``delta * (value_range width)`` added to every pixel, delta drawn
  from [lower, upper] (a number f means (-f, f)).

The draw and the change are separate functions (``adjust_contrast``, ``adjust_brightness``), so
the change can be checked on its own against Keras's for the same drawn values.
"""
from ... import ops
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
