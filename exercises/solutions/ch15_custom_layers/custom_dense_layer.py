"""Chapter 15, exercise ch15.custom_dense: reference solution."""

from minikeras import activations, layers, ops


class CustomDense(layers.Layer):
    """``activation(inputs @ kernel + bias)``, like ``layers.Dense(units, activation)``."""

    def __init__(self, units=32, activation=None, **kwargs):
        """Reference solution."""
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)

    def build(self, input_shape):
        """Reference solution."""
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", trainable=True)
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros",
                                    trainable=True)

    def call(self, inputs):
        """Reference solution."""
        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        """Reference solution."""
        config = super().get_config()
        config.update({"units": self.units, "activation": activations.serialize(self.activation)})
        return config
