"""Chapter 3: the tutorial's multilayer perceptron."""
from minikeras.layers import Dense, Input  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_mlp():
    """Return a new functional model: 10 input features -> Dense(10, relu) -> Dense(20, relu)
    -> Dense(10, relu) -> Dense(1, sigmoid).

    Each layer reads the output of the one before. Real Keras reports 551 parameters
    for this model (110 + 220 + 210 + 11).
    """
    raise NotImplementedError("ch03.build_mlp: implement build_mlp()")
