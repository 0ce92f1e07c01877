"""ch07.fix_interpreters: the repaired model (both interpreters read the LSTM's features)."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_interpreters import fixed_interpreters_model


def structure(model):
    """Per layer: (class name, output shape, parameters, positions of the layers it reads)."""
    layers = model.layers
    index = {id(layer): i for i, layer in enumerate(layers)}
    rows = []
    for layer in layers:
        sources = [index.get(id(inbound), "outside") for node in layer._inbound_nodes
                   if node in model.graph.nodes for inbound in node.inbound_layers]
        rows.append((type(layer).__name__, tuple(layer.output_shape), layer.count_params(), sources))
    return rows


@pytest.mark.exercise("ch07.fix_interpreters", points=1)
def test_input_and_output():
    model = fixed_interpreters_model()
    assert isinstance(model, Model)
    y = model.predict(np.random.default_rng(0).normal(size=(2, 20, 3)).astype("float32"), verbose=0)
    assert y.shape == (2, 1)


@pytest.mark.exercise("ch07.fix_interpreters", points=2)
def test_both_interpreters_read_the_features_and_are_merged():
    assert structure(fixed_interpreters_model()) == [
        ("InputLayer", (None, 20, 3), 0, []),
        ("LSTM", (None, 6), 240, [0]),
        ("Dense", (None, 8), 56, [1]),
        ("Dense", (None, 4), 28, [1]),
        ("Dense", (None, 4), 36, [2]),
        ("Concatenate", (None, 8), 0, [3, 4]),
        ("Dense", (None, 1), 9, [5]),
    ]
