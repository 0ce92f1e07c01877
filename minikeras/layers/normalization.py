"""BatchNormalization and LayerNormalization; UnitNormalization, RMSNormalization, GroupNormalization."""
from .. import constraints, initializers, ops, regularizers
from ..engine.layer import InputSpec, Layer


class BatchNormalization(Layer):
    """Normalise each channel by the batch's statistics while training, and by moving
    averages of them at inference. Weights: gamma, beta (trainable), moving_mean,
    moving_variance (not trainable)."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else axis[0] if len(axis) == 1 else axis
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        axis = self.axis % len(input_shape)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(f"Layer {self.name}: axis {self.axis} of its input should have a defined "
                             f"dimension, but the input has shape {tuple(input_shape)}.")
        shape = (dim,)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={axis: dim})
        self.built = True

    def call(self, inputs, training=None):
        return ops.nn.batch_normalization(
            inputs, self.gamma, self.beta, self.moving_mean, self.moving_variance,
            axis=self.axis, epsilon=self.epsilon, momentum=self.momentum,
            training=bool(training) and self.trainable)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint), "synchronized": False}


class LayerNormalization(Layer):
    """Normalise each sample over ``axis`` (default the last), then scale and shift."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, rms_scaling=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def _axes(self, ndim):
        axes = self.axis if isinstance(self.axis, (list, tuple)) else [self.axis]
        return sorted(a % ndim for a in axes)

    def build(self, input_shape):
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def call(self, inputs):
        axes = tuple(self._axes(inputs.ndim))
        mean = ops.mean(inputs, axis=axes, keepdims=True)
        centered = ops.subtract(inputs, mean)
        variance = ops.mean(ops.square(centered), axis=axes, keepdims=True)
        x = ops.divide(centered, ops.sqrt(ops.add(variance, self.epsilon)))
        broadcast = [1] * inputs.ndim
        for a in axes:
            broadcast[a] = inputs.shape[a]
        if self.gamma is not None:
            x = ops.multiply(x, ops.reshape(self.gamma, broadcast))
        if self.beta is not None:
            x = ops.add(x, ops.reshape(self.beta, broadcast))
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


def _axis_list(axis, ndim):
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    return sorted(a % ndim for a in axes)


class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm over ``axis`` (a vector of norm 0 stays 0)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Layer {self.name}: invalid value for `axis` argument: expected an int or a "
                            f"list/tuple of ints. Received: axis={axis!r}")
        self.supports_masking = True

    def call(self, inputs):
        axes = tuple(_axis_list(self.axis, inputs.ndim))
        norms = ops.sqrt(ops.sum(ops.square(inputs), axis=axes, keepdims=True))
        return ops.divide(inputs, ops.maximum(norms, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class RMSNormalization(Layer):
    """Root-mean-square normalisation (Zhang and Sennrich, 2019): LayerNormalization without
    the centring, ``x / sqrt(mean(x**2) + epsilon) * scale``, with one learned ``scale``
    per feature. Used in recent transformers because it is cheaper and works as well."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        # As Keras does, the axis becomes a sorted list once the layer is built.
        self.axis = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        for a in self.axis:
            if not -len(input_shape) <= a < len(input_shape):
                raise ValueError(f"Layer {self.name}: axis {a} is out of bounds for input shape "
                                 f"{tuple(input_shape)}.")
        shape = tuple(input_shape[a] for a in self.axis)
        if None in shape:
            raise ValueError(f"Layer {self.name}: the normalized axes of its input must be known, received "
                             f"input shape {tuple(input_shape)}.")
        self.scale = self.add_weight("scale", shape, initializer="ones")
        self.built = True

    def call(self, inputs):
        axes = _axis_list(self.axis, inputs.ndim)
        mean_square = ops.mean(ops.square(inputs), axis=tuple(axes), keepdims=True)
        x = ops.divide(inputs, ops.sqrt(ops.add(mean_square, self.epsilon)))
        broadcast = [1] * inputs.ndim
        for a in axes:
            broadcast[a] = inputs.shape[a]
        return ops.multiply(x, ops.reshape(self.scale, broadcast))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class GroupNormalization(Layer):
    """Normalise each sample over groups of channels (Wu and He, 2018).

    The ``dim`` channels on ``axis`` are split into ``groups`` groups; mean and variance are
    taken over each group's channels and all other non-batch axes. It does not depend on the
    batch (small batches, as in image generation, are fine). ``groups=1`` normalises like
    LayerNormalization over all axes, ``groups=-1`` (one channel per group) is instance
    normalisation. ``gamma`` and ``beta`` are per channel.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"Layer {self.name}: received an invalid value for argument `groups`, expected "
                             f"a positive integer (or -1 for instance normalization). Received: groups={groups!r}")
        self.groups, self.axis, self.epsilon = groups, axis, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Layer {self.name}: axis {self.axis} of its input should have a defined "
                             f"dimension, but the input has shape {tuple(input_shape)}.")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(f"Layer {self.name}: the {dim} channels of axis {self.axis} cannot be split into "
                             f"{self.groups} groups of equal size.")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self.gamma = self.add_weight("gamma", (dim,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (dim,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def call(self, inputs):
        # 1. Split the channel axis into (groups, channels per group).
        ndim = inputs.ndim
        axis = self.axis % ndim
        shape = list(inputs.shape)
        grouped_shape = shape[:axis] + [self.groups, shape[axis] // self.groups] + shape[axis + 1:]
        x = ops.reshape(inputs, grouped_shape)
        # 2. Statistics over everything but the batch and the group index.
        axes = tuple(a for a in range(1, ndim + 1) if a != axis)
        mean = ops.mean(x, axis=axes, keepdims=True)
        centered = ops.subtract(x, mean)
        variance = ops.mean(ops.square(centered), axis=axes, keepdims=True)
        x = ops.reshape(ops.divide(centered, ops.sqrt(ops.add(variance, self.epsilon))), shape)
        # 3. Per-channel scale and shift.
        broadcast = [1] * ndim
        broadcast[axis] = shape[axis]
        if self.gamma is not None:
            x = ops.multiply(x, ops.reshape(self.gamma, broadcast))
        if self.beta is not None:
            x = ops.add(x, ops.reshape(self.beta, broadcast))
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
