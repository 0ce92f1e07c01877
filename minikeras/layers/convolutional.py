"""Convolution layers (channels last): Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D,
SeparableConv1D/2D.

The kernels compute 2-D convolutions; the other ranks are built on them. A 1-D convolution
runs as a 2-D one over a height of 1. A 3-D convolution is a sum over the kernel's depth taps:
tap ``i`` sees the input depths ``i * dilation + stride * t`` for output depth ``t``, so each tap
is one 2-D convolution of those depth slices (folded into the batch) with the kernel's slice
``i``. A 3-D transposed convolution does the reverse: each tap's 2-D transposed convolution
is spread back along the depth, ``stride`` apart and shifted by ``i * dilation``, and the taps
add up. Both are compositions of differentiable ops, so their gradients come for free; they
run one 2-D kernel call per depth tap.
"""
import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from ..engine.layer import InputSpec, Layer
from ..kernels.conv_geometry import conv_output_length, conv_padding, conv_transpose_output_length


def normalize_tuple(value, n, name, layer_name="layer"):
    """``3`` -> ``(3, 3)``; checks that a tuple has ``n`` positive integers."""
    if isinstance(value, (int, np.integer)):
        value = (int(value),) * n
    value = tuple(value)
    if len(value) != n or not all(isinstance(v, (int, np.integer)) and v > 0 for v in value):
        raise ValueError(f"Layer {layer_name}: the `{name}` argument must be a tuple of {n} positive "
                         f"integers, received {name}={value!r}.")
    return tuple(int(v) for v in value)


def normalize_padding(value, layer_name, allowed=("valid", "same")):
    padding = str(value).lower()
    if padding not in allowed:
        raise ValueError(f"Layer {layer_name}: `padding` must be one of {allowed}, received {value!r}.")
    return padding


class Conv(Layer):
    """Shared code of the N-d convolutions; ``rank`` is the number of spatial axes."""

    rank = 2
    takes_groups = True   # False for the layers whose Keras signature has no `groups`

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Layer {self.name}: minikeras supports data_format='channels_last' only, "
                             f"received {data_format!r}.")
        if filters is not None and (not isinstance(filters, (int, np.integer)) or filters <= 0):
            raise ValueError(f"Layer {self.name}: `filters` must be a positive integer, "
                             f"received filters={filters!r}.")
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", self.name)
        self.strides = normalize_tuple(strides, self.rank, "strides", self.name)
        self.padding = normalize_padding(padding, self.name, ("valid", "same", "causal") if self.rank == 1
                                         else ("valid", "same"))
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", self.name)
        if groups != 1 and not self.takes_groups:   # Keras's signature has no `groups` for this class
            raise TypeError(f"Layer {self.name} ({type(self).__name__}) takes no `groups` argument (only "
                            f"Conv1D/2D/3D split their channels into groups); received groups={groups!r}.")
        self.groups = int(groups)
        self.data_format = "channels_last"
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _input_channels(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"Layer {self.name}: the channel axis (last) of its input must be known, "
                             f"received input shape {tuple(input_shape)}.")
        return channels

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups or self.filters % self.groups:
            raise ValueError(f"Layer {self.name}: input channels ({channels}) and filters "
                             f"({self.filters}) must both be divisible by groups={self.groups}.")
        shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self._add_bias()
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})
        self.built = True

    def _add_bias(self):
        if not self.use_bias:
            return None
        return self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        spatial = [conv_output_length(n, k, s, d, self.padding) for n, k, s, d in
                   zip(input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate)]
        for n, out in zip(input_shape[1:-1], spatial):
            if out is not None and out <= 0:
                raise ValueError(
                    f"Layer {self.name}: the input is too small for the kernel. Input shape "
                    f"{tuple(input_shape)}, kernel_size={self.kernel_size}, strides={self.strides}, "
                    f"padding='{self.padding}' would give an output of size {out}.")
        return (input_shape[0],) + tuple(spatial) + (self.filters,)

    def call(self, inputs):
        return ops.nn.conv(inputs, self.kernel, self.bias, strides=self.strides, padding=self.padding,
                           dilation_rate=self.dilation_rate, groups=self.groups,
                           activation=self.activation)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Conv1D(Conv):
    rank = 1


class Conv2D(Conv):
    rank = 2


class Conv2DTranspose(Conv):
    """The gradient of a convolution, run forward: it upsamples. Kernel (kh, kw, filters, channels).
    Its build, output shape and config serve every rank; Conv1DTranspose and Conv3DTranspose
    add only their ``call``."""

    rank = 2
    takes_groups = False

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, **kwargs)
        if self.rank == 1:
            _refuse_causal(self)
        self.output_padding = None if output_padding is None else normalize_tuple(
            output_padding, self.rank, "output_padding", self.name) if output_padding != 0 else (0,) * self.rank

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self._add_bias()
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})
        self.built = True

    def compute_output_shape(self, input_shape):
        pads = self.output_padding or (None,) * self.rank
        spatial = [conv_transpose_output_length(n, k, s, d, self.padding, p) for n, k, s, p, d in
                   zip(input_shape[1:1 + self.rank], self.kernel_size, self.strides, pads, self.dilation_rate)]
        return (input_shape[0],) + tuple(spatial) + (self.filters,)

    def call(self, inputs):
        out_shape = self.compute_output_shape(tuple(inputs.shape))
        return ops.nn.conv_transpose(inputs, self.kernel, self.bias, out_shape[1:3],
                                     strides=self.strides, padding=self.padding,
                                     dilation_rate=self.dilation_rate, activation=self.activation)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = None if self.output_padding is None else list(self.output_padding)
        return config


class DepthwiseConv2D(Conv):
    """One filter (or ``depth_multiplier`` filters) per input channel; kernel (kh, kw, c, m)."""

    rank = 2
    takes_groups = False

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 depthwise_initializer="glorot_uniform", depthwise_regularizer=None,
                 depthwise_constraint=None, **kwargs):
        kwargs.pop("filters", None)
        super().__init__(None, kernel_size, strides=strides, padding=padding,
                         kernel_initializer=depthwise_initializer,
                         kernel_regularizer=depthwise_regularizer,
                         kernel_constraint=depthwise_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.filters = channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = self._add_bias()
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})
        self.built = True

    def compute_output_shape(self, input_shape):
        self.filters = None if input_shape[-1] is None else input_shape[-1] * self.depth_multiplier
        return super().compute_output_shape(input_shape)

    def call(self, inputs):
        return ops.nn.depthwise_conv(inputs, self.depthwise_kernel, self.bias, strides=self.strides,
                                     padding=self.padding, dilation_rate=self.dilation_rate,
                                     activation=self.activation)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key, None)
        config.update(depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=initializers.serialize(self.kernel_initializer),
                      depthwise_regularizer=regularizers.serialize(self.kernel_regularizer),
                      depthwise_constraint=constraints.serialize(self.kernel_constraint))
        return config


class SeparableConv2D(Conv):
    """A depthwise convolution followed by a 1x1 pointwise convolution."""

    rank = 2
    takes_groups = False

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 depthwise_regularizer=None, pointwise_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self._add_bias()
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})
        self.built = True

    def call(self, inputs):
        x = ops.nn.depthwise_conv(inputs, self.depthwise_kernel, None, strides=self.strides,
                                  padding=self.padding, dilation_rate=self.dilation_rate)
        return ops.nn.conv(x, self.pointwise_kernel, self.bias, strides=(1, 1), padding="valid",
                           dilation_rate=(1, 1), activation=self.activation)

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key, None)
        config.update(depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=initializers.serialize(self.depthwise_initializer),
                      pointwise_initializer=initializers.serialize(self.pointwise_initializer),
                      depthwise_regularizer=regularizers.serialize(self.depthwise_regularizer),
                      pointwise_regularizer=regularizers.serialize(self.pointwise_regularizer),
                      depthwise_constraint=constraints.serialize(self.depthwise_constraint),
                      pointwise_constraint=constraints.serialize(self.pointwise_constraint))
        return config


# ----------------------------------------------------------------------------- 1-D from 2-D

def _refuse_causal(layer):
    if layer.padding == "causal":
        raise ValueError(f"Layer {layer.name}: `padding` must be 'valid' or 'same', received 'causal'.")


def _with_height(x):
    """(batch, steps, channels) -> (batch, 1, steps, channels): a 1-D input as a 2-D one."""
    return ops.expand_dims(x, 1)


def _without_height(y):
    return ops.squeeze(y, axis=1)


def _kernel_with_height(kernel):
    return ops.reshape(kernel, (1,) + tuple(kernel.shape))


class Conv1DTranspose(Conv2DTranspose):
    """The gradient of a 1-D convolution, run forward; kernel (k, filters, channels)."""

    rank = 1

    def call(self, inputs):
        steps = self.compute_output_shape(tuple(inputs.shape))[1]
        out = ops.nn.conv_transpose(_with_height(inputs), _kernel_with_height(self.kernel), self.bias, (1, steps),
                                    strides=(1,) + self.strides, padding=self.padding,
                                    dilation_rate=(1,) + self.dilation_rate, activation=self.activation)
        return _without_height(out)


class DepthwiseConv1D(DepthwiseConv2D):
    """One filter (or ``depth_multiplier`` filters) per input channel; kernel (k, c, m)."""

    rank = 1

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         **kwargs)
        _refuse_causal(self)

    def call(self, inputs):
        out = ops.nn.depthwise_conv(_with_height(inputs), _kernel_with_height(self.depthwise_kernel), self.bias,
                                    strides=(1,) + self.strides, padding=self.padding,
                                    dilation_rate=(1,) + self.dilation_rate, activation=self.activation)
        return _without_height(out)


class SeparableConv1D(SeparableConv2D):
    """A 1-D depthwise convolution followed by a pointwise (kernel size 1) convolution."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         **kwargs)
        _refuse_causal(self)

    def call(self, inputs):
        x = ops.nn.depthwise_conv(_with_height(inputs), _kernel_with_height(self.depthwise_kernel), None,
                                  strides=(1,) + self.strides, padding=self.padding,
                                  dilation_rate=(1,) + self.dilation_rate)
        return ops.nn.conv(_without_height(x), self.pointwise_kernel, self.bias, strides=1, padding="valid",
                           dilation_rate=1, activation=self.activation)


# ----------------------------------------------------------------------------- 3-D from 2-D

def _known_depth(layer, shape):
    if shape[1] is None or any(n is None for n in shape[2:]):
        raise ValueError(f"Layer {layer.name}: the spatial sizes of its input must be known (a 3-D "
                         f"convolution loops over the depth); received input shape {tuple(shape)}.")
    return shape[1]


class Conv3D(Conv):
    """3-D convolution, kernel (kd, kh, kw, channels / groups, filters): one 2-D convolution
    per depth tap, summed (see the module docstring)."""

    rank = 3

    def call(self, inputs):
        _known_depth(self, tuple(inputs.shape))
        total = conv3d(inputs, self.kernel, self.strides, self.padding, self.dilation_rate, self.groups)
        if self.bias is not None:
            total = ops.add(total, self.bias)
        return self.activation(total)


def conv3d(inputs, kernel, strides, padding, dilation_rate, groups=1):
    """(batch, d, h, w, c) * kernel (kd, kh, kw, c / groups, filters): one 2-D convolution per
    depth tap of the kernel, summed (see the module docstring). No bias, no activation."""
    depth = inputs.shape[1]
    k, s, d = kernel.shape[0], strides[0], dilation_rate[0]
    before, after = conv_padding(depth, k, s, d, padding)
    x = ops.pad(inputs, ((0, 0), (before, after), (0, 0), (0, 0), (0, 0))) if before or after else inputs
    out_depth = conv_output_length(depth, k, s, d, padding)
    hw_shape = tuple(inputs.shape[2:4])
    total = None
    for i in range(k):
        # 1. the input depths tap i meets, one per output depth, folded into the batch
        taps = ops.getitem(x, (slice(None), slice(i * d, i * d + s * (out_depth - 1) + 1, s)))
        folded = ops.reshape(taps, (-1,) + hw_shape + (inputs.shape[-1],))
        # 2. a 2-D convolution with the kernel's depth slice i
        y = ops.nn.conv(folded, kernel[i], None, strides=tuple(strides[1:]), padding=padding,
                        dilation_rate=tuple(dilation_rate[1:]), groups=groups)
        # 3. the depth unfolded again, and the taps summed
        y = ops.reshape(y, (-1, out_depth) + tuple(y.shape[1:]))
        total = y if total is None else ops.add(total, y)
    return total


class Conv3DTranspose(Conv2DTranspose):
    """3-D transposed convolution, kernel (kd, kh, kw, filters, channels): per depth tap, a 2-D
    transposed convolution spread along the depth (see the module docstring)."""

    rank = 3

    def call(self, inputs):
        depth = _known_depth(self, tuple(inputs.shape))
        out_shape = self.compute_output_shape(tuple(inputs.shape))
        out_depth, out_hw = out_shape[1], out_shape[2:4]
        k, s, d = self.kernel_size[0], self.strides[0], self.dilation_rate[0]
        # Input depth t lands on output depth t * s + i * d - before (TensorFlow's geometry: the
        # padding a forward convolution of the output's size would use).
        before = conv_padding(out_depth, k, s, d, self.padding)[0]
        folded = ops.reshape(inputs, (-1,) + tuple(inputs.shape[2:]))
        total = None
        for i in range(k):
            # 1. the 2-D transposed convolution of every input depth with the kernel's slice i
            y = ops.nn.conv_transpose(folded, self.kernel[i], None, out_hw, strides=self.strides[1:],
                                      padding=self.padding, dilation_rate=self.dilation_rate[1:])
            y = ops.reshape(y, (-1, depth) + tuple(out_hw) + (self.filters,))
            # 2. spread along the depth: s - 1 zero slices after each, so depth t sits at t * s
            if s > 1:
                y = ops.reshape(ops.stack([y] + [ops.zeros_like(y)] * (s - 1), axis=2),
                                (-1, depth * s) + tuple(out_hw) + (self.filters,))
            # 3. shifted by i * d - before and cut or padded to the output depth
            shift = i * d - before
            if shift < 0:
                y = ops.getitem(y, (slice(None), slice(-shift, None)))
                shift = 0
            y = ops.getitem(y, (slice(None), slice(0, out_depth - shift)))
            tail = out_depth - shift - y.shape[1]
            if shift or tail:
                y = ops.pad(y, ((0, 0), (shift, tail), (0, 0), (0, 0), (0, 0)))
            total = y if total is None else ops.add(total, y)
        if self.bias is not None:
            total = ops.add(total, self.bias)
        return self.activation(total)


Convolution1D, Convolution2D, Deconvolution2D = Conv1D, Conv2D, Conv2DTranspose
Convolution3D, Convolution1DTranspose, Convolution3DTranspose = Conv3D, Conv1DTranspose, Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
