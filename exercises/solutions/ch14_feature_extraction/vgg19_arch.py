"""Chapter 14, exercise ch14.vgg19: reference solution."""

import minikeras as keras
from minikeras import layers


def VGG19(include_top=True, input_shape=(224, 224, 3), classes=1000, fc_units=4096):
    """Reference solution."""
    img_input = keras.Input(shape=input_shape)
    x = img_input
    for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)], start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(fc_units, activation="relu", name="fc1")(x)
        x = layers.Dense(fc_units, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(img_input, x, name="vgg19")
