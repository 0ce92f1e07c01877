"""Chapter 11, exercise ch11.fix_shortcut: a residual block whose shapes do not match.

``broken_model()`` builds a *downsampling* residual block: its first convolution
has stride 2 and twice the channels. Run it: the addition fails when the model is
defined, because the block's output and its input have different shapes.
"""

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
    """Return the repaired model.

    Keep the main path of ``broken_model`` as it is. Give the shortcut a
    projection: ``Conv2D(128, 1, strides=2)`` applied to the block's input, so
    that it has the main path's shape (half the height and width, 128 channels).
    Then ``layers.add([main, shortcut])`` (main path first) and the same tail.

    For a 16x16x64 input the model has
    (9*64*128 + 128) + (9*128*128 + 128) + (64*128 + 128) + (128*10 + 10) parameters.
    Think about why a 1x1 convolution with stride 2 gives the same height and
    width as a 3x3 convolution with stride 2 and ``padding="same"``.
    """
    raise NotImplementedError("ch11.fix_shortcut: implement fixed_model()")
