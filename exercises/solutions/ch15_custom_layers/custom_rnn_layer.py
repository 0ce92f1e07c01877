"""Chapter 15, exercise ch15.custom_rnn: reference solution."""

import minikeras as keras
from minikeras import layers, ops


class CustomRNN(layers.Layer):
    """A simple recurrent layer written as a loop, followed by a per-step classifier."""

    def __init__(self, units=32, **kwargs):
        """Reference solution."""
        super().__init__(**kwargs)
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = layers.Dense(1, activation="sigmoid")

    def build(self, input_shape):
        """Reference solution: build the sublayers with the shapes they will see."""
        batch, _, features = input_shape
        self.projection_1.build((batch, features))
        self.projection_2.build((batch, self.units))
        self.classifier.build((batch, None, self.units))

    def compute_output_shape(self, input_shape):
        """Reference solution."""
        return (input_shape[0], input_shape[1], 1)

    def call(self, inputs):
        """Reference solution."""
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        return self.classifier(features)


def build_mixed_model(batch_size=16, timesteps=10, input_dim=5, units=32):
    """Reference solution."""
    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN(units)(x)
    return keras.Model(inputs, outputs)
