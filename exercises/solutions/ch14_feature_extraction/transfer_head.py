"""Chapter 14, exercise ch14.frozen_head: reference solution."""

import minikeras as keras
from minikeras import layers


def build_transfer_model(base, feature_layer, units=1, activation="sigmoid"):
    """Reference solution."""
    extractor = keras.Model(base.input, base.get_layer(feature_layer).output, name="extractor")
    extractor.trainable = False
    new_input = keras.Input(shape=base.input_shape[1:])
    head = layers.Dense(units, activation=activation, name="head")(extractor(new_input))
    return keras.Model(new_input, head)
