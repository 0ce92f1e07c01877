"""Chapter 13, exercise ch13.ensemble: reference solution."""

import minikeras as keras
from minikeras import layers


def get_model(input_dim=128):
    """Reference solution."""
    inputs = keras.Input(shape=(input_dim,))
    outputs = layers.Dense(1, activation="sigmoid")(inputs)
    return keras.Model(inputs, outputs)


def build_ensemble(members, input_dim=128):
    """Reference solution."""
    inputs = keras.Input(shape=(input_dim,))
    outputs = layers.average([member(inputs) for member in members])
    return keras.Model(inputs=inputs, outputs=outputs)
