"""ch09.fix_multi_output: the repaired two-head sequence model."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_multi_output import fixed_two_head_model


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


@pytest.mark.exercise("ch09.fix_multi_output", points=1)
def test_two_outputs_with_the_right_shapes():
    model = fixed_two_head_model()
    assert isinstance(model, Model)
    probability, per_step = model.predict(np.random.default_rng(0).normal(size=(3, 30, 2)).astype("float32"),
                                          verbose=0)
    assert probability.shape == (3, 1) and per_step.shape == (3, 30, 2)


@pytest.mark.exercise("ch09.fix_multi_output", points=2)
def test_structure_and_parameter_counts():
    assert structure(fixed_two_head_model()) == [
        ("InputLayer", (None, 30, 2), 0, []),
        ("LSTM", (None, 30, 6), 216, [0]),
        ("LSTM", (None, 4), 176, [1]),
        ("Dense", (None, 1), 5, [2]),
        ("TimeDistributed", (None, 30, 2), 14, [1]),
    ]
