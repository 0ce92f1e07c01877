"""ch04.fix_cnn: the repaired 28x28x1 classifier."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_cnn import fixed_cnn


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


@pytest.mark.exercise("ch04.fix_cnn", points=1)
def test_accepts_one_channel_images_and_returns_one_probability_each():
    model = fixed_cnn()
    assert isinstance(model, Model)
    assert model.input_shape == (None, 28, 28, 1)
    y = model.predict(np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32), verbose=0)
    assert y.shape == (4, 1)
    assert np.all((y > 0) & (y < 1))


@pytest.mark.exercise("ch04.fix_cnn", points=2)
def test_structure_and_parameter_counts():
    assert structure(fixed_cnn()) == [
        ("InputLayer", (None, 28, 28, 1), 0, []),
        ("Conv2D", (None, 26, 26, 8), 80, [0]),
        ("MaxPooling2D", (None, 13, 13, 8), 0, [1]),
        ("Conv2D", (None, 11, 11, 16), 1168, [2]),
        ("MaxPooling2D", (None, 5, 5, 16), 0, [3]),
        ("Flatten", (None, 400), 0, [4]),
        ("Dense", (None, 1), 401, [5]),
    ]
