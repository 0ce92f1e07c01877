"""Chapter 12, exercise ch12.inception_net: reference solution."""

import minikeras as keras
from minikeras import layers


def inception_module(x, filters_1x1, filters_3x3, filters_5x5, filters_pool):
    """Reference solution."""
    branch_1x1 = layers.Conv2D(filters_1x1, 1, activation="relu")(x)

    branch_3x3 = layers.Conv2D(filters_3x3 // 2, 1, activation="relu")(x)
    branch_3x3 = layers.Conv2D(filters_3x3, 3, padding="same", activation="relu")(branch_3x3)

    branch_5x5 = layers.Conv2D(filters_5x5 // 2, 1, activation="relu")(x)
    branch_5x5 = layers.Conv2D(filters_5x5, 5, padding="same", activation="relu")(branch_5x5)

    branch_pool = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    branch_pool = layers.Conv2D(filters_pool, 1, activation="relu")(branch_pool)

    return layers.concatenate([branch_1x1, branch_3x3, branch_5x5, branch_pool])


def build_inception_net(input_shape=(224, 224, 3), num_classes=10):
    """Reference solution."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(64, 7, strides=2, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = inception_module(x, 64, 128, 32, 32)
    x = inception_module(x, 128, 192, 96, 64)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
