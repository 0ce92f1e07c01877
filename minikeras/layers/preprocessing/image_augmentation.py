"""Random image augmentation: ``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomTranslation``, ``RandomShear``, ``RandomCrop``. Each draws a new transformation for every image while training and
passes images through unchanged at inference (``predict``, ``evaluate``, training=False).

As in Keras 3, a layer called directly (``layer(images)``) counts as training; inside a
model, ``fit`` trains and ``predict`` does not. ``seed`` makes the sequence of random
transformations reproducible; without it the layer draws from minikeras's global generator
(``keras.utils.set_random_seed``).

Rotation, zoom and translation are affine maps. Keras describes one by 8 numbers
``[a0, a1, a2, b0, b1, b2, c0, c1]``: the output pixel at (row y, column x) reads the input at
column ``a0*x + a1*y + a2`` and row ``b0*x + b1*y + b2`` (c0, c1 are 0 here). Reading between
pixels interpolates ("bilinear") or rounds ("nearest"); reading outside the image follows
``fill_mode``: "reflect" (d c b a | a b c d | d c b a), "wrap", "nearest" (repeat the edge)
or "constant" (``fill_value``). The sampling is linear in the pixels, so it has a gradient:
each output pixel's gradient flows back to the input pixels it read.
"""
import math

import numpy as np

from ... import initializers, ops
from .common import PreprocessingLayer, numeric_input
from .image import _check_channels_last, crop_to_aspect_ratio, resize

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("bilinear", "nearest")


# ----------------------------------------------------------------------------- sampling
def _fix_index(index, size, fill_mode):
    """Map integer pixel indices outside [0, size) back inside, per ``fill_mode``."""
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "reflect":  # the edge pixel repeats: ... 1 0 | 0 1 2 ... n-1 | n-1 n-2 ...
        period = 2 * size
        index = index % period
        return np.where(index < size, index, period - 1 - index)
    return np.clip(index, 0, size - 1)  # "nearest", and "constant" (whose outside reads are masked)


def _corners(coordinate, size, interpolation, fill_mode):
    """The (index, inside, weight) pairs along one axis for every output pixel."""
    if interpolation == "nearest":
        index = np.round(coordinate).astype(np.int64)
        pairs = [(index, np.ones_like(coordinate))]
    else:
        lower = np.floor(coordinate)
        upper_weight = coordinate - lower
        lower = lower.astype(np.int64)
        pairs = [(lower, 1.0 - upper_weight), (lower + 1, upper_weight)]
    return [(_fix_index(i, size, fill_mode), (i >= 0) & (i < size), w) for i, w in pairs]


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Apply one affine transform per image to a (batch, h, w, c) tensor (Keras's 8-number form)."""
    transforms = np.asarray(transforms, dtype="float64").reshape(-1, 8)

    def forward(x):
        batch, height, width, _ = x.shape
        rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
        a0, a1, a2, b0, b1, b2 = (transforms[:, k, None, None] for k in range(6))
        source_x = a0 * cols + a1 * rows + a2        # (batch, h, w)
        source_y = b0 * cols + b1 * rows + b2
        batch_index = np.arange(batch)[:, None, None]
        terms = []  # (row index, column index, weight of the read, or 0 where it falls outside)
        for iy, inside_y, wy in _corners(source_y, height, interpolation, fill_mode):
            for ix, inside_x, wx in _corners(source_x, width, interpolation, fill_mode):
                inside = inside_y & inside_x if fill_mode == "constant" else np.ones_like(inside_y)
                terms.append((iy, ix, wy * wx, inside))
        out = np.zeros(x.shape, dtype="float64")
        for iy, ix, weight, inside in terms:
            read = np.where(inside[..., None], x[batch_index, iy, ix], fill_value)
            out += weight[..., None] * read

        def backward(g):
            grad = np.zeros(x.shape, dtype="float64")
            for iy, ix, weight, inside in terms:
                np.add.at(grad, (batch_index, iy, ix), (weight * inside)[..., None] * g)
            return (grad.astype(x.dtype),)
        return out.astype(x.dtype), backward
    return ops.apply(forward, images, shape_rule=lambda s: s)


# ----------------------------------------------------------------------------- the base class
class _RandomImageLayer(PreprocessingLayer):
    """Shared by the random layers: the seed, training-only behaviour, batching of one image."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(self, data_format)
        self.seed, self.data_format = seed, "channels_last"
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.supports_masking = False   # as Keras 3: an image augmentation drops a mask

    def _generator(self):
        return self._rng if self._rng is not None else initializers.rng()

    def call(self, inputs, training=True):
        images = numeric_input(self, inputs)
        if len(images.shape) not in (3, 4):
            raise ValueError(f"Layer {self.name} ({type(self).__name__}) expects images of shape (batch, "
                             f"height, width, channels) or (height, width, channels), received shape "
                             f"{tuple(images.shape)}.")
        if not training:
            return images
        single = len(images.shape) == 3
        batch = ops.cast(ops.expand_dims(images, 0) if single else images, self.dtype)
        out = self._augment(batch, self._generator())
        return ops.squeeze(out, 0) if single else out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "seed": self.seed}


def _check_fill_and_interpolation(layer, fill_mode, interpolation):
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): unknown fill_mode={fill_mode!r}; "
                         f"expected one of {_FILL_MODES}.")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): unknown interpolation="
                         f"{interpolation!r}; expected one of {_INTERPOLATIONS}.")


def _factor_range(layer, factor, name, bounds=(-1.0, 1.0)):
    """Keras's reading of a factor: a number f means (-f, f); a pair is (lower, upper)."""
    message = (f"Layer {layer.name} ({type(layer).__name__}): `{name}` should be a number or a pair of "
               f"numbers in [{bounds[0]}, {bounds[1]}]. Received: {name}={factor!r}")
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        return tuple(sorted(float(f) for f in factor))
    if isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if not bounds[0] <= factor <= bounds[1]:
            raise ValueError(message)
        return (max(-abs(float(factor)), bounds[0]), abs(float(factor)))
    raise ValueError(message)


# ----------------------------------------------------------------------------- the layers
class RandomFlip(_RandomImageLayer):
    """Flip each image left-right ("horizontal"), up-down ("vertical") or both
    ("horizontal_and_vertical", independently), each with probability 1/2."""

    def __init__(self, mode="horizontal_and_vertical", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(f"RandomFlip layer {self.name}: unknown mode={mode!r}; expected 'horizontal', "
                             "'vertical' or 'horizontal_and_vertical'.")
        self.mode = mode

    def _augment(self, images, rng):
        batch = images.shape[0]
        if "horizontal" in self.mode:
            flip = rng.random(batch) < 0.5
            images = ops.where(flip[:, None, None, None], ops.flip(images, 2), images)
        if "vertical" in self.mode:
            flip = rng.random(batch) < 0.5
            images = ops.where(flip[:, None, None, None], ops.flip(images, 1), images)
        return images

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class _AffineLayer(_RandomImageLayer):
    def __init__(self, fill_mode="reflect", interpolation="bilinear", fill_value=0.0, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        _check_fill_and_interpolation(self, fill_mode, interpolation)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, float(fill_value)

    def _augment(self, images, rng):
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        transforms = self._transforms(rng, batch, height, width)
        return affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


def rotation_transforms(angles, height, width):
    """Keras's rotation about the image centre by ``angles`` (radians, counter-clockwise as
    displayed with row 0 at the top), as (batch, 8) transforms."""
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    cos, sin = np.cos(angles), np.sin(angles)
    a0, a1, b0, b1 = cos, -sin, sin, cos
    a2 = cx - cx * a0 - cy * a1
    b2 = cy - cx * b0 - cy * b1
    zeros = np.zeros_like(angles)
    return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


class RandomRotation(_AffineLayer):
    """Rotate each image by a random angle in ``factor`` * 360 degrees: ``factor=0.1`` draws
    from [-36, 36] degrees, ``factor=(0, 0.25)`` from [0, 90]."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, fill_value=fill_value, seed=seed,
                         **kwargs)
        self.factor = _factor_range(self, factor, "factor")

    def _transforms(self, rng, batch, height, width):
        degrees = rng.uniform(self.factor[0] * 360.0, self.factor[1] * 360.0, size=batch)
        return rotation_transforms(degrees * math.pi / 180.0, height, width)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class RandomZoom(_AffineLayer):
    """Zoom each image by a random factor: ``height_factor=0.2`` draws a vertical zoom in
    [1 - 0.2, 1 + 0.2] of the image size (above 1 zooms out, below 1 zooms in, as in Keras);
    ``width_factor`` likewise, or (None) the same zoom as the height, keeping the aspect."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, fill_value=fill_value, seed=seed,
                         **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height_range = _factor_range(self, height_factor, "height_factor", (-1.0, float("inf")))
        self._width_range = None if width_factor is None else _factor_range(
            self, width_factor, "width_factor", (-1.0, float("inf")))

    def _transforms(self, rng, batch, height, width):
        zoom_h = rng.uniform(1.0 + self._height_range[0], 1.0 + self._height_range[1], size=batch)
        zoom_w = zoom_h if self._width_range is None else rng.uniform(
            1.0 + self._width_range[0], 1.0 + self._width_range[1], size=batch)
        return zoom_transforms(zoom_h, zoom_w, height, width)

    def get_config(self):
        return {**super().get_config(), "height_factor": _plain(self.height_factor),
                "width_factor": _plain(self.width_factor)}


def zoom_transforms(zoom_h, zoom_w, height, width):
    """Scale about the image centre: output x reads input ``zoom_w * x + offset``."""
    zeros = np.zeros_like(zoom_h)
    x_offset = (width - 1) / 2.0 * (1.0 - zoom_w)
    y_offset = (height - 1) / 2.0 * (1.0 - zoom_h)
    return np.stack([zoom_w, zeros, x_offset, zeros, zoom_h, y_offset, zeros, zeros], axis=1)


class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its size: ``height_factor=0.2`` draws a
    vertical shift in [-20%, 20%] of the height; ``width_factor`` likewise horizontally."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, fill_value=fill_value, seed=seed,
                         **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self._height_range = _factor_range(self, height_factor, "height_factor")
        self._width_range = _factor_range(self, width_factor, "width_factor")

    def _transforms(self, rng, batch, height, width):
        dy = rng.uniform(*self._height_range, size=batch) * height
        dx = rng.uniform(*self._width_range, size=batch) * width
        return translation_transforms(dx, dy)

    def get_config(self):
        return {**super().get_config(), "height_factor": _plain(self.height_factor),
                "width_factor": _plain(self.width_factor)}


def translation_transforms(dx, dy):
    """Shift by (dx, dy) pixels: output (x, y) reads input (x - dx, y - dy)."""
    ones, zeros = np.ones_like(dx), np.zeros_like(dx)
    return np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


def _plain(factor):
    return list(factor) if isinstance(factor, tuple) else factor


def shear_transforms(shear_x, shear_y):
    """Keras's shear as (batch, 8) transforms: the output pixel (y, x) reads the input at column
    x + shear_x * y and row shear_y * x + y."""
    shear_x, shear_y = np.asarray(shear_x, np.float64), np.asarray(shear_y, np.float64)
    ones, zeros = np.ones_like(shear_x), np.zeros_like(shear_x)
    return np.stack([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)


class RandomShear(_AffineLayer):
    """Shear each image by random amounts along x and y: ``x_factor=f`` draws a shear from
    [-f, f] (a pair is (lower, upper), in [0, 1]), and each image's direction is flipped with
    probability 1/2, as Keras draws it."""

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, fill_value=fill_value, seed=seed,
                         data_format=data_format, **kwargs)
        self.x_factor = self._shear_range(x_factor, "x_factor")
        self.y_factor = self._shear_range(y_factor, "y_factor")

    def _shear_range(self, factor, name):
        values = list(factor) if isinstance(factor, (list, tuple)) else [factor]
        if len(values) not in (1, 2) or isinstance(factor, (list, tuple)) and len(values) != 2 or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1 for v in values):
            raise ValueError(f"Layer {self.name} (RandomShear): `{name}` should be a number (or a list of two "
                             f"numbers) in the range [0, 1.0]. Received: {name}={factor!r}")
        return tuple(sorted(float(v) for v in values)) if len(values) == 2 else (-float(values[0]), float(values[0]))

    def _transforms(self, rng, batch, height, width):
        sign = np.where(rng.uniform(0, 1, batch) > 0.5, -1.0, 1.0)
        shear_y = rng.uniform(self.y_factor[0], self.y_factor[1], batch)
        shear_x = rng.uniform(self.x_factor[0], self.x_factor[1], batch)
        return shear_transforms(shear_x * sign, shear_y * sign)

    def get_config(self):
        return {**super().get_config(), "x_factor": list(self.x_factor), "y_factor": list(self.y_factor)}


class RandomCrop(_RandomImageLayer):
    """Crop a random (height, width) window while training; one window position per batch, as
    Keras draws it.

    In training, an image not larger than the target on both axes is cut as Keras 3 cuts it:
    from the corner of the largest centred window of the target's aspect ratio, (height, width)
    cells (fewer where the image ends), resized to (height, width) (bilinear). At inference the
    largest centred window of the target's aspect ratio is resized to (height, width), as Keras
    documents it, so the output always has the target size. (Keras 3.15's own RandomCrop returns
    inference images uncropped, against its documentation and its compute_output_shape.)"""

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for name, value in (("height", height), ("width", width)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Layer {self.name} (RandomCrop): `{name}` must be a positive integer, "
                                 f"received {name}={value!r}.")
        self.height, self.width = height, width
        self.supports_masking = False

    def call(self, inputs, training=True):
        images = numeric_input(self, inputs)
        if len(images.shape) not in (3, 4):
            raise ValueError(f"Layer {self.name} (RandomCrop) expects images of shape (batch, height, width, "
                             f"channels) or (height, width, channels), received shape {tuple(images.shape)}.")
        single = len(images.shape) == 3
        batch = ops.cast(ops.expand_dims(images, 0) if single else images, self.dtype)
        in_h, in_w = batch.shape[1], batch.shape[2]
        if training and in_h > self.height and in_w > self.width:
            rng = self._generator()
            top = int(rng.uniform(0, in_h - self.height + 1))
            left = int(rng.uniform(0, in_w - self.width + 1))
            out = crop(batch, top, left, self.height, self.width)
        elif training:
            # Keras's cut: the aspect window's corner, then (height, width) cells from there
            crop_h = max(min(in_h, int(float(in_w * self.height) / self.width)), 1)
            crop_w = max(min(in_w, int(float(in_h * self.width) / self.height)), 1)
            out = crop(batch, int(float(in_h - crop_h) / 2), int(float(in_w - crop_w) / 2), self.height, self.width)
        else:
            out = crop_to_aspect_ratio(batch, self.height, self.width)
        if tuple(out.shape[1:3]) != (self.height, self.width):
            out = resize(out, self.height, self.width, "bilinear", self.dtype)
        return ops.squeeze(out, 0) if single else out

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


def crop(images, top, left, height, width):
    """The (height, width) window of every image at (top, left)."""
    return ops.getitem(images, (slice(None), slice(top, top + height), slice(left, left + width)))
