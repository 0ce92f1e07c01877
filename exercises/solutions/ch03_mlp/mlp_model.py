"""Chapter 3: the tutorial's multilayer perceptron."""
from minikeras.layers import Dense, Input  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_mlp():
    """Return a new functional model: 10 input features -> Dense(10, relu) -> Dense(20, relu)
    -> Dense(10, relu) -> Dense(1, sigmoid).

    Each layer reads the output of the one before. Real Keras reports 551 parameters
    for this model (110 + 220 + 210 + 11).
    """
    visible = Input(shape=(10,))
    hidden1 = Dense(10, activation="relu")(visible)
    hidden2 = Dense(20, activation="relu")(hidden1)
    hidden3 = Dense(10, activation="relu")(hidden2)
    output = Dense(1, activation="sigmoid")(hidden3)
    return Model(inputs=visible, outputs=output)
