"""Chapter 12, exercise ch12.fix_inception_a: branches that cannot be concatenated.

``broken_inception_a`` is the first guide's module: four branches, each with a
stride of 2 somewhere, concatenated along the channels. With the default
``padding="valid"`` each branch loses a different number of border pixels, so
``concatenate`` fails. Run ``broken_model()`` and read the shapes in the error.
"""

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
    """Return the output of the repaired module applied to ``x``.

    Keep every layer of ``broken_inception_a`` (same filters, kernel sizes,
    strides, activations, same order), but give the layers whose window is
    larger than 1x1 (the 3x3 and 5x5 convolutions and the 3x3 max pooling)
    ``padding="same"``. Then every branch has ``ceil(H / 2)`` rows and
    ``ceil(W / 2)`` columns, and the module outputs 512 channels.
    """
    raise NotImplementedError("ch12.fix_inception_a: implement fixed_inception_a()")
