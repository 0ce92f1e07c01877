"""Chapter 16, exercise ch16.compiled_model: reference solution."""

import minikeras as keras
from minikeras import layers


def get_model():
    """Reference solution."""
    inputs = keras.Input(shape=(784,), name="img")
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.RMSprop(),
                  metrics=["accuracy"])
    return model


def train(model, x_train, y_train, epochs=5):
    """Reference solution."""
    return model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.2, verbose=0)
