"""Chapter 18, exercise ch18.fix_shapes: reference solution.

A model that builds, runs, and is wrong.

``broken_classifier()`` is meant to classify 28x28 grey images into 10 classes:
a convolution, a pooling, and a softmax classifier over the pooled feature maps.
It builds without an error and even predicts. Print its summary and read the
Output Shape column: the classifier does not produce one probability vector per
image. (A ``Dense`` layer works on the LAST axis of any tensor.)
"""

import minikeras as keras
from minikeras import layers


def broken_classifier():
    """The buggy version (do not edit; it is here to be read and run)."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def fixed_classifier():
    """Reference solution: flatten the feature maps before the classifier."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs)
