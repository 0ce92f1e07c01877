"""ch03.build_mlp: the chapter's MLP (551 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from mlp_model import build_mlp


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


@pytest.mark.exercise("ch03.build_mlp", points=1)
def test_structure_and_parameter_counts():
    model = build_mlp()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 10), 0, []),
        ("Dense", (None, 10), 110, [0]),
        ("Dense", (None, 20), 220, [1]),
        ("Dense", (None, 10), 210, [2]),
        ("Dense", (None, 1), 11, [3]),
    ]
    assert model.count_params() == 551


@pytest.mark.exercise("ch03.build_mlp", points=1)
def test_activations():
    model = build_mlp()
    assert [layer.get_config()["activation"] for layer in model.layers[1:]] == ["relu", "relu", "relu", "sigmoid"]


@pytest.mark.exercise("ch03.build_mlp", points=1)
def test_predicts_one_probability_per_sample():
    model = build_mlp()
    y = model.predict(np.random.default_rng(0).normal(size=(8, 10)).astype("float32"), verbose=0)
    assert y.shape == (8, 1)
    assert np.all((y > 0) & (y < 1))
