"""Image geometry that is the same for every image: ``Resizing`` and ``CenterCrop``.

Images are channels-last: (batch, height, width, channels), or one image (height, width,
channels). Resizing is linear in the pixels: along each axis every output pixel is a
weighted sum of input pixels, so a resize is two small matrix products,

    out = M_h @ image @ M_w^T     (per image and channel),

with interpolation matrices ``M_h`` (out_height x in_height) and ``M_w``. Built from
``ops.matmul``, it has gradients for free. The matrices follow Keras 3 on the torch
backend: half-pixel centres (``align_corners=False``); "nearest" picks the input pixel
whose centre is nearest (torch's "nearest-exact").
"""
import numpy as np

from ... import ops
from .common import PreprocessingLayer, numeric_input

_INTERPOLATIONS = ("bilinear", "nearest")


def interpolation_matrix(n_in, n_out, interpolation):
    """(n_out, n_in) weights: output pixel i = sum_j M[i, j] * input pixel j."""
    scale = n_in / n_out
    rows = np.arange(n_out)
    matrix = np.zeros((n_out, n_in), dtype="float64")
    if interpolation == "nearest":
        source = np.minimum(np.floor((rows + 0.5) * scale).astype(int), n_in - 1)
        matrix[rows, source] = 1.0
        return matrix
    # bilinear: the output pixel centre i + 0.5 sits at (i + 0.5) * scale in input pixels,
    # i.e. between input pixels floor(c - 0.5) and the next one (clamped at the borders).
    centre = np.maximum((rows + 0.5) * scale - 0.5, 0.0)
    lower = np.minimum(np.floor(centre).astype(int), n_in - 1)
    upper = np.minimum(lower + 1, n_in - 1)
    weight_upper = centre - lower
    np.add.at(matrix, (rows, lower), 1.0 - weight_upper)
    np.add.at(matrix, (rows, upper), weight_upper)
    return matrix


def _batched(layer, images):
    images = numeric_input(layer, images)
    if len(images.shape) not in (3, 4):
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}) expects images of shape (batch, height, "
                         f"width, channels) or (height, width, channels), received shape {tuple(images.shape)}.")
    single = len(images.shape) == 3
    return (ops.expand_dims(images, 0) if single else images), single


def _finish(images, single, input_dtype):
    """Drop the batch axis added for one image; integer images stay integers, as in Keras."""
    if single:
        images = ops.squeeze(images, 0)
    if np.dtype(input_dtype).kind in "iu":
        info = np.iinfo(input_dtype)
        images = ops.cast(ops.clip(ops.convert_to_tensor(np.round(np.asarray(images))), info.min, info.max),
                          input_dtype)
    return images


def resize(images, height, width, interpolation="bilinear", dtype="float32"):
    """Resize a (batch, h, w, c) tensor to (batch, height, width, c), differentiably."""
    in_h, in_w = images.shape[1], images.shape[2]
    m_h = interpolation_matrix(in_h, height, interpolation).astype(dtype)
    m_w_t = interpolation_matrix(in_w, width, interpolation).T.astype(dtype)
    channels_first = ops.transpose(ops.cast(images, dtype), (0, 3, 1, 2))   # (b, c, h, w)
    resized = ops.matmul(ops.matmul(m_h, channels_first), m_w_t)          # (b, c, height, width)
    return ops.transpose(resized, (0, 2, 3, 1))


def crop_to_aspect_ratio(images, height, width):
    """The largest centred window of the target aspect ratio (Keras's crop_to_aspect_ratio)."""
    in_h, in_w = images.shape[1], images.shape[2]
    crop_h = max(min(in_h, int(float(in_w * height) / width)), 1)
    crop_w = max(min(in_w, int(float(in_h * width) / height)), 1)
    top, left = int(float(in_h - crop_h) / 2), int(float(in_w - crop_w) / 2)
    return ops.getitem(images, (slice(None), slice(top, top + crop_h), slice(left, left + crop_w)))


def pad_to_aspect_ratio(images, height, width, fill_value):
    """Pad both sides equally with ``fill_value`` up to the target aspect ratio (as Keras on torch)."""
    in_h, in_w = images.shape[1], images.shape[2]
    pad_h = max(in_h, int(float(in_w * height) / width))
    pad_w = max(in_w, int(float(in_h * width) / height))
    top, left = int(float(pad_h - in_h) / 2), int(float(pad_w - in_w) / 2)
    return ops.pad(images, ((0, 0), (top, top), (left, left), (0, 0)), constant_values=fill_value)


class Resizing(PreprocessingLayer):
    """Resize images to ``(height, width)`` ("bilinear" or "nearest" interpolation).

    ``crop_to_aspect_ratio=True`` first crops the largest centred window with the target's
    aspect ratio (no distortion); ``pad_to_aspect_ratio=True`` pads with ``fill_value``
    instead. Float images come out float32; integer images are rounded back to their type.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(self, data_format)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"Resizing layer {self.name}: interpolation={interpolation!r} is not available in "
                             f"minikeras; use one of {_INTERPOLATIONS}.")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"Resizing layer {self.name}: only one of `pad_to_aspect_ratio` and "
                             "`crop_to_aspect_ratio` can be True.")
        if fill_mode != "constant":
            raise ValueError(f"Resizing layer {self.name}: only fill_mode='constant' is supported (as in Keras). "
                             f"Received: fill_mode={fill_mode!r}")
        if antialias:
            raise ValueError(f"Resizing layer {self.name}: antialias=True is not available in minikeras.")
        self.height, self.width = int(height), int(width)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)
        self.fill_mode, self.fill_value, self.antialias = fill_mode, float(fill_value), False
        self.data_format = "channels_last"

    def call(self, inputs, training=None):  # the same in training and inference
        images, single = _batched(self, inputs)
        input_dtype = images.dtype
        images = ops.cast(images, self.dtype)
        if self.crop_to_aspect_ratio:
            images = crop_to_aspect_ratio(images, self.height, self.width)
        elif self.pad_to_aspect_ratio:
            images = pad_to_aspect_ratio(images, self.height, self.width, self.fill_value)
        resized = resize(images, self.height, self.width, self.interpolation, self.dtype)
        return _finish(resized, single, input_dtype)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height,
                "width": self.width, "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio, "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode, "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(PreprocessingLayer):
    """Crop the central ``(height, width)`` window of each image. An image smaller than the
    target is first cropped to the target's aspect ratio and resized up (bilinear), as
    Keras's ``smart_resize`` does. The output is float32."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        _check_channels_last(self, data_format)
        self.height, self.width, self.data_format = int(height), int(width), "channels_last"

    def call(self, inputs, training=None):  # the same in training and inference
        images, single = _batched(self, inputs)
        images = ops.cast(images, self.dtype)
        in_h, in_w = images.shape[1], images.shape[2]
        if in_h >= self.height and in_w >= self.width:
            top, left = (in_h - self.height) // 2, (in_w - self.width) // 2
            out = ops.getitem(images, (slice(None), slice(top, top + self.height), slice(left, left + self.width)))
        else:
            cropped = crop_to_aspect_ratio(images, self.height, self.width)
            out = resize(cropped, self.height, self.width, "bilinear", self.dtype)
        return ops.squeeze(out, 0) if single else out

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height, "width": self.width}


def _check_channels_last(layer, data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): minikeras images are channels-last; "
                         f"received data_format={data_format!r}.")
