"""Chapter 14, exercise ch14.fix_extraction: reference solution.

Extracting the features of a shared layer.

``siamese_cnn()`` (complete, do not edit) compares two images with one shared
convolution named ``"shared_conv"``. ``broken_feature_model`` wants the
feature maps that ``shared_conv`` computes for the left and the right image, and
fails twice: run it, fix the first error, run it again.
"""

import minikeras as keras
from minikeras import layers


def siamese_cnn():
    left = keras.Input(shape=(28, 28, 1), name="left")
    right = keras.Input(shape=(28, 28, 1), name="right")
    conv = layers.Conv2D(8, 3, activation="relu", name="shared_conv")
    pool = layers.GlobalAveragePooling2D(name="shared_pool")
    difference = layers.subtract([pool(conv(left)), pool(conv(right))])
    same = layers.Dense(1, activation="sigmoid", name="same_digit")(difference)
    return keras.Model([left, right], same, name="siamese")


def broken_feature_model(model):
    """The buggy version (do not edit; it is here to be read and run)."""
    conv = model.get_layer("shared_conv")
    image = keras.Input(shape=(28, 28, 1))
    return keras.Model(image, conv.output)


def fixed_feature_model(model):
    """Reference solution: one output per call of the shared layer, on the model's inputs."""
    conv = model.get_layer("shared_conv")
    return keras.Model(model.inputs, [conv.get_output_at(0), conv.get_output_at(1)])
