"""ch08.fix_multi_input: the repaired two-resolution model."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_multi_input import fixed_two_resolution_model


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


def data(seed, batch=2):
    rng = np.random.default_rng(seed)
    return rng.random((batch, 32, 32, 1), dtype=np.float32), rng.random((batch, 16, 16, 3), dtype=np.float32)


@pytest.mark.exercise("ch08.fix_multi_input", points=1)
def test_inputs_in_the_documented_order():
    model = fixed_two_resolution_model()
    assert isinstance(model, Model)
    assert [tuple(x.shape) for x in model.inputs] == [(None, 32, 32, 1), (None, 16, 16, 3)]
    grey, colour = data(0)
    assert model.predict([grey, colour], verbose=0).shape == (2, 1)


@pytest.mark.exercise("ch08.fix_multi_input", points=1)
def test_structure_and_parameter_counts():
    model = fixed_two_resolution_model()
    assert structure(model) == [
        ("InputLayer", (None, 32, 32, 1), 0, []),
        ("InputLayer", (None, 16, 16, 3), 0, []),
        ("Conv2D", (None, 30, 30, 8), 80, [0]),
        ("Conv2D", (None, 14, 14, 8), 224, [1]),
        ("MaxPooling2D", (None, 15, 15, 8), 0, [2]),
        ("MaxPooling2D", (None, 7, 7, 8), 0, [3]),
        ("Flatten", (None, 1800), 0, [4]),
        ("Flatten", (None, 392), 0, [5]),
        ("Concatenate", (None, 2192), 0, [6, 7]),
        ("Dense", (None, 8), 17544, [8]),
        ("Dense", (None, 1), 9, [9]),
    ]


@pytest.mark.exercise("ch08.fix_multi_input", points=1)
def test_output_depends_on_the_colour_image():
    model = fixed_two_resolution_model()
    grey, colour = data(1, batch=4)
    kernel, bias = model.layers[3].get_weights()
    model.layers[3].set_weights([kernel, np.abs(bias) + 0.1])   # make sure some relu units are on
    a = model.predict([grey, colour], verbose=0)
    b = model.predict([grey, 1.0 - colour], verbose=0)
    assert not np.allclose(a, b)
