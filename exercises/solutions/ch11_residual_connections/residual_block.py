"""Chapter 11, exercise ch11.residual_block: reference solution."""

import minikeras as keras
from minikeras import layers


def residual_block(x, filters):
    """Reference solution."""
    shortcut = x
    x = layers.Conv2D(filters, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(filters, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    if shortcut.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1)(shortcut)
    x = layers.Add()([x, shortcut])
    return layers.ReLU()(x)


def build_resnet(input_shape=(224, 224, 3), stem_filters=64, widths=(64, 128, 256), num_classes=10):
    """Reference solution."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(stem_filters, 7, strides=2, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D()(x)
    for filters in widths:
        x = residual_block(x, filters)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
