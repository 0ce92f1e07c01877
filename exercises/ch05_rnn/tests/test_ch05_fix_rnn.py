"""ch05.fix_rnn: the repaired classifier of sequences of 50 steps x 2 features."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_rnn import fixed_rnn


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


@pytest.mark.exercise("ch05.fix_rnn", points=1)
def test_reads_sequences_and_returns_one_probability_each():
    model = fixed_rnn()
    assert isinstance(model, Model)
    y = model.predict(np.random.default_rng(0).normal(size=(3, 50, 2)).astype("float32"), verbose=0)
    assert y.shape == (3, 1)
    assert np.all((y > 0) & (y < 1))


@pytest.mark.exercise("ch05.fix_rnn", points=2)
def test_structure_and_parameter_counts():
    assert structure(fixed_rnn()) == [
        ("InputLayer", (None, 50, 2), 0, []),
        ("LSTM", (None, 8), 352, [0]),
        ("Dense", (None, 1), 9, [1]),
    ]
