"""Pooling layers (channels last): max and average over windows, and global pooling."""
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


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
