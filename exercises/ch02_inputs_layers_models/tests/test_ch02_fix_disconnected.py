"""ch02.fix_disconnected: the repaired two-input model."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_disconnected import fixed_two_input_model


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


@pytest.mark.exercise("ch02.fix_disconnected", points=1)
def test_model_has_both_inputs_in_order():
    model = fixed_two_input_model()
    assert isinstance(model, Model)
    assert model.input_names == ["a", "b"]
    assert [tuple(x.shape) for x in model.inputs] == [(None, 8), (None, 4)]
    assert model.output_shape == (None, 1)


@pytest.mark.exercise("ch02.fix_disconnected", points=1)
def test_graph_structure():
    assert structure(fixed_two_input_model()) == [
        ("InputLayer", (None, 8), 0, []),
        ("Dense", (None, 8), 72, [0]),
        ("InputLayer", (None, 4), 0, []),
        ("Concatenate", (None, 12), 0, [1, 2]),
        ("Dense", (None, 1), 13, [3]),
    ]


@pytest.mark.exercise("ch02.fix_disconnected", points=1)
def test_predicts_from_a_list_and_from_a_dict():
    model = fixed_two_input_model()
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3, 8)).astype("float32"), rng.normal(size=(3, 4)).astype("float32")
    by_list = model.predict([a, b], verbose=0)
    by_dict = model.predict({"b": b, "a": a}, verbose=0)
    assert by_list.shape == (3, 1)
    np.testing.assert_allclose(by_list, by_dict, rtol=1e-6)
