"""Chapter 11, exercise ch11.fix_shortcut: reference solution."""

import minikeras as keras
from minikeras import layers


def broken_model(input_shape=(16, 16, 64)):
    """The buggy version (do not edit; it is here to be read and run)."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(128, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(128, 3, padding="same")(x)
    x = layers.add([x, inputs])
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def fixed_model(input_shape=(16, 16, 64)):
    """Reference solution: project the shortcut with a strided 1x1 convolution."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(128, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(128, 3, padding="same")(x)
    shortcut = layers.Conv2D(128, 1, strides=2)(inputs)
    x = layers.add([x, shortcut])
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)
