"""Chapter 12, exercise ch12.fix_inception_a: reference solution."""

import minikeras as keras
from minikeras import layers


def broken_inception_a(x):
    """The buggy module (do not edit; it is here to be read and run)."""
    part_a = layers.Conv2D(128, 1, activation="relu", strides=2)(x)
    part_b = layers.Conv2D(128, 1, activation="relu")(x)
    part_b = layers.Conv2D(128, 3, activation="relu", strides=2)(part_b)
    part_c = layers.Conv2D(128, 1, strides=2)(x)
    part_c = layers.Conv2D(128, 5, activation="relu")(part_c)
    part_d = layers.MaxPooling2D(3, strides=2)(x)
    part_d = layers.Conv2D(128, 1, activation="relu")(part_d)
    return layers.concatenate([part_a, part_b, part_c, part_d], axis=-1)


def broken_model():
    x = keras.Input(shape=(28, 28, 256))
    return keras.Model(x, broken_inception_a(x))


def fixed_inception_a(x):
    """Reference solution: 'same' padding wherever the window is wider than one pixel."""
    part_a = layers.Conv2D(128, 1, activation="relu", strides=2)(x)
    part_b = layers.Conv2D(128, 1, activation="relu")(x)
    part_b = layers.Conv2D(128, 3, activation="relu", strides=2, padding="same")(part_b)
    part_c = layers.Conv2D(128, 1, strides=2)(x)
    part_c = layers.Conv2D(128, 5, activation="relu", padding="same")(part_c)
    part_d = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    part_d = layers.Conv2D(128, 1, activation="relu")(part_d)
    return layers.concatenate([part_a, part_b, part_c, part_d], axis=-1)
