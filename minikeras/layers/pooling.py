"""Pooling layers (channels last): max and average over windows, global pooling, and adaptive
pooling (a fixed output size whatever the input size).

The kernels pool 1-D and 2-D windows. A 3-D window is a box, the product of a depth interval
and a 2-D window, so its max (or mean, over the cells inside the input when padding is
'same') is the max (mean) over the depth of the 2-D results: 3-D pooling is a 2-D pooling with
the depth folded into the batch, then a 1-D pooling along the depth."""
from .. import ops
from ..engine.layer import InputSpec, Layer
from ..engine.tensor import is_symbolic
from ..kernels.conv_geometry import conv_output_length
from .convolutional import normalize_padding, normalize_tuple


class Pooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Layer {self.name}: minikeras supports data_format='channels_last' only.")
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size", self.name)
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, self.rank,
                                       "strides", self.name)
        self.padding = normalize_padding(padding, self.name)
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        spatial = [conv_output_length(n, p, s, 1, self.padding) for n, p, s in
                   zip(input_shape[1:-1], self.pool_size, self.strides)]
        for out in spatial:
            if out is not None and out <= 0:
                raise ValueError(f"Layer {self.name}: input shape {tuple(input_shape)} is smaller than "
                                 f"pool_size={self.pool_size} with padding='{self.padding}'.")
        return (input_shape[0],) + tuple(spatial) + (input_shape[-1],)

    def call(self, inputs):
        return ops.nn.pool(inputs, self.pool_size, self.strides, self.padding, self.mode)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling1D(Pooling):
    rank, mode = 1, "max"


class MaxPooling2D(Pooling):
    rank, mode = 2, "max"


class AveragePooling1D(Pooling):
    rank, mode = 1, "average"


class AveragePooling2D(Pooling):
    rank, mode = 2, "average"


class MaxPooling3D(Pooling):
    rank, mode = 3, "max"

    def call(self, inputs):
        return _pool3d(self, inputs)


class AveragePooling3D(Pooling):
    rank, mode = 3, "average"

    def call(self, inputs):
        return _pool3d(self, inputs)


def _pool3d(layer, inputs):
    """Separable 3-D pooling (see the module docstring)."""
    shape = tuple(inputs.shape)
    if any(n is None for n in shape[1:]):
        raise ValueError(f"Layer {layer.name}: the spatial sizes and channels of its input must be known; "
                         f"received input shape {shape}.")
    depth, channels = shape[1], shape[-1]
    # 1. every depth slice pooled in 2-D
    flat = ops.nn.pool(ops.reshape(inputs, (-1,) + shape[2:]), layer.pool_size[1:], layer.strides[1:],
                       layer.padding, layer.mode)
    hw = tuple(flat.shape[1:3])
    # 2. the depth pooled in 1-D, every (row, column, channel) a channel of its own
    lines = ops.reshape(flat, (-1, depth, hw[0] * hw[1] * channels))
    out = ops.nn.pool(lines, layer.pool_size[:1], layer.strides[:1], layer.padding, layer.mode)
    return ops.reshape(out, (-1, out.shape[1]) + hw + (channels,))


class GlobalPooling(Layer):
    rank = 2
    mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = "channels_last"
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.rank + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def call(self, inputs):
        axes = tuple(range(1, self.rank + 1))
        reduce = ops.max if self.mode == "max" else ops.mean
        return reduce(inputs, axis=axes, keepdims=self.keepdims)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalMaxPooling1D(GlobalPooling):
    rank, mode = 1, "max"


class GlobalMaxPooling2D(GlobalPooling):
    rank, mode = 2, "max"


class GlobalAveragePooling1D(GlobalPooling):
    """The mean over time; with a mask, the mean over the unmasked steps only (Keras 3)."""
    rank, mode = 1, "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None or is_symbolic(mask):
            return super().call(inputs)
        keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        total = ops.sum(ops.multiply(inputs, keep), axis=1, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(keep, axis=1, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None   # the time axis is gone


class GlobalAveragePooling2D(GlobalPooling):
    rank, mode = 2, "average"


class GlobalMaxPooling3D(GlobalPooling):
    rank, mode = 3, "max"


class GlobalAveragePooling3D(GlobalPooling):
    rank, mode = 3, "average"


class AdaptivePooling(Layer):
    """Pools each spatial axis into ``output_size`` windows (PyTorch's adaptive pooling, as
    ``ops.adaptive_average_pool`` / ``ops.adaptive_max_pool`` define the windows)."""

    rank = 2
    mode = "max"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Layer {self.name}: minikeras supports data_format='channels_last' only, "
                             f"received {data_format!r}.")
        self.output_size = normalize_tuple(output_size, self.rank, "output_size", self.name)
        self.data_format = "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.output_size + (input_shape[-1],)

    def call(self, inputs):
        pool = ops.adaptive_max_pool if self.mode == "max" else ops.adaptive_average_pool
        return pool(inputs, self.output_size)

    def get_config(self):
        return {**super().get_config(), "output_size": list(self.output_size), "data_format": self.data_format}


class AdaptiveMaxPooling1D(AdaptivePooling):
    rank, mode = 1, "max"


class AdaptiveMaxPooling2D(AdaptivePooling):
    rank, mode = 2, "max"


class AdaptiveMaxPooling3D(AdaptivePooling):
    rank, mode = 3, "max"


class AdaptiveAveragePooling1D(AdaptivePooling):
    rank, mode = 1, "average"


class AdaptiveAveragePooling2D(AdaptivePooling):
    rank, mode = 2, "average"


class AdaptiveAveragePooling3D(AdaptivePooling):
    rank, mode = 3, "average"


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D
