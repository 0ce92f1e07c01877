"""Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax."""
from .. import constraints, initializers, ops, regularizers
from ..engine.layer import Layer


class _Elementwise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


class ReLU(_Elementwise):
    """max(x, 0) with Keras's options: a cap ``max_value``, a ``negative_slope`` below ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"Layer {self.name}: max_value of a ReLU layer cannot be negative, "
                             f"received {max_value}.")
        if negative_slope < 0:
            raise ValueError(f"Layer {self.name}: negative_slope of a ReLU layer cannot be negative, "
                             f"received {negative_slope}.")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        if self.max_value is None and self.negative_slope == 0 and self.threshold == 0:
            return ops.relu(inputs)
        t = self.threshold
        above = ops.cast(ops.greater_equal(inputs, t), inputs.dtype) if t else None
        if t:
            pos = ops.multiply(inputs, above)
        else:
            pos = ops.relu(inputs)
        if self.max_value is not None:
            pos = ops.minimum(pos, float(self.max_value))
        if self.negative_slope:
            below = ops.subtract(1.0, above) if t else ops.cast(ops.less(inputs, 0), inputs.dtype)
            pos = ops.add(pos, ops.multiply(ops.multiply(ops.subtract(inputs, t), below), self.negative_slope))
        return pos

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope)

    def call(self, inputs):
        return ops.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(_Elementwise):
    """Leaky ReLU whose slope ``alpha`` is learned per unit (shared along ``shared_axes``)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = None if shared_axes is None else (
            [shared_axes] if isinstance(shared_axes, int) else list(shared_axes))

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", tuple(shape), initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        negative = ops.multiply(self.alpha, ops.minimum(inputs, 0.0))
        return ops.add(ops.relu(inputs), negative)

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer), "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(_Elementwise):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        out = ops.elu(inputs)
        if self.alpha == 1.0:
            return out
        return ops.where(ops.greater(inputs, 0), out, ops.multiply(out, self.alpha))

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_Elementwise):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = ops.where(mask, inputs, -1e9)
        return ops.softmax(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
