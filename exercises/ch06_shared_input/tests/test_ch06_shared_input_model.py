"""ch06.build_shared_input: the chapter's two-branch CNN (415,045 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from shared_input_model import build_shared_input_model


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


@pytest.mark.exercise("ch06.build_shared_input", points=2)
def test_structure_and_parameter_counts():
    model = build_shared_input_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 64, 64, 1), 0, []),
        ("Conv2D", (None, 61, 61, 32), 544, [0]),
        ("Conv2D", (None, 57, 57, 16), 1040, [0]),
        ("MaxPooling2D", (None, 30, 30, 32), 0, [1]),
        ("MaxPooling2D", (None, 28, 28, 16), 0, [2]),
        ("Flatten", (None, 28800), 0, [3]),
        ("Flatten", (None, 12544), 0, [4]),
        ("Concatenate", (None, 41344), 0, [5, 6]),
        ("Dense", (None, 10), 413450, [7]),
        ("Dense", (None, 1), 11, [8]),
    ]
    assert model.count_params() == 415045


@pytest.mark.exercise("ch06.build_shared_input", points=1)
def test_activations_and_prediction():
    model = build_shared_input_model()
    activations = [layer.get_config()["activation"] for layer in model.layers
                   if "activation" in layer.get_config()]
    assert activations == ["relu", "relu", "relu", "sigmoid"]
    y = model.predict(np.random.default_rng(0).normal(size=(2, 64, 64, 1)).astype("float32"), verbose=0)
    assert y.shape == (2, 1)
