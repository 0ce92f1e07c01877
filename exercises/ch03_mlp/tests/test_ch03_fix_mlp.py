"""ch03.fix_mlp: the repaired classifier 8 -> 16 (relu) -> 8 (relu) -> 1 (sigmoid)."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_mlp import fixed_mlp


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


@pytest.mark.exercise("ch03.fix_mlp", points=1)
def test_accepts_samples_of_8_features():
    model = fixed_mlp()
    assert isinstance(model, Model)
    y = model.predict(np.random.default_rng(0).random((5, 8), dtype=np.float32), verbose=0)
    assert y.shape == (5, 1)


@pytest.mark.exercise("ch03.fix_mlp", points=1)
def test_structure_and_parameter_counts():
    assert structure(fixed_mlp()) == [
        ("InputLayer", (None, 8), 0, []),
        ("Dense", (None, 16), 144, [0]),
        ("Dense", (None, 8), 136, [1]),
        ("Dense", (None, 1), 9, [2]),
    ]


@pytest.mark.exercise("ch03.fix_mlp", points=1)
def test_outputs_are_probabilities_that_vary():
    model = fixed_mlp()
    assert [layer.get_config()["activation"] for layer in model.layers[1:3]] == ["relu", "relu"]
    y = model.predict(np.random.default_rng(1).normal(size=(50, 8)).astype("float32"), verbose=0)
    assert np.all((y > 0) & (y < 1))
    assert y.std() > 1e-4
