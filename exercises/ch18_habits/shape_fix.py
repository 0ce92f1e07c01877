"""Chapter 18, exercise ch18.fix_shapes: a model that builds, runs, and is wrong.

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
    """Return the intended model: the same three layers, with a ``Flatten()``
    between the pooling and the classifier, so that the output is ``(None, 10)``
    and the classifier sees every pooled feature (13 * 13 * 32 of them).
    The model then has (9 * 32 + 32) + (13 * 13 * 32 * 10 + 10) = 54,410 parameters.
    """
    raise NotImplementedError("ch18.fix_shapes: implement fixed_classifier()")
