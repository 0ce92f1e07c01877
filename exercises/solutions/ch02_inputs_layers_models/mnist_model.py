"""Chapter 2: the digit classifier of the chapter, with a named input and a named model."""
import minikeras as keras  # noqa: F401  (keras.Input, keras.layers.Dense, keras.Model)
from minikeras import layers  # noqa: F401


def build_mnist_model():
    """Return a new functional model for flattened 28x28 digit images.

    (input: 784-dimensional vectors, named ``"img"``)
        -> Dense(64, relu) -> Dense(64, relu) -> Dense(10, softmax)
        -> (output: a probability for each of the 10 classes)

    Name the model ``"mnist_model"``. Its summary should show the shapes (None, 784),
    (None, 64), (None, 64), (None, 10) and 55,050 parameters in all.
    """
    inputs = keras.Input(shape=(784,), name="img")
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
