"""Chapter 1: the same kind of network written as a Sequential list and as a functional graph."""
from minikeras.layers import Dense, Input  # noqa: F401  (you will need these)
from minikeras.models import Model, Sequential  # noqa: F401


def build_sequential():
    """Return a new ``Sequential`` model: 1 input number -> Dense(2) -> Dense(1).

    Give the first layer its input size (``input_dim=1``) so that the model is built at
    once. Both layers are linear (no activation). Real Keras reports 7 parameters:
    1·2 + 2 for the hidden layer, 2·1 + 1 for the output layer.
    """
    raise NotImplementedError("ch01.build_first_models: implement build_sequential()")


def build_functional():
    """Return a new functional ``Model``: an ``Input`` of 2 numbers -> one linear Dense(2).

    Three steps: define the input (``Input(shape=(2,))`` -- note the comma), call a layer
    on it, then ``Model(inputs=..., outputs=...)``. Its summary lists the InputLayer and
    the Dense layer; it has 6 parameters.
    """
    raise NotImplementedError("ch01.build_first_models: implement build_functional()")
