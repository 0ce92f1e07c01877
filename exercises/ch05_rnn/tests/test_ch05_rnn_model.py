"""ch05.build_rnn: the chapter's LSTM classifier (601 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from rnn_model import build_rnn


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


@pytest.mark.exercise("ch05.build_rnn", points=1)
def test_structure_and_parameter_counts():
    model = build_rnn()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 100, 1), 0, []),
        ("LSTM", (None, 10), 480, [0]),
        ("Dense", (None, 10), 110, [1]),
        ("Dense", (None, 1), 11, [2]),
    ]
    assert model.count_params() == 601


@pytest.mark.exercise("ch05.build_rnn", points=1)
def test_layer_settings():
    model = build_rnn()
    lstm = model.layers[1].get_config()
    assert lstm["units"] == 10 and lstm["return_sequences"] is False
    assert [layer.get_config()["activation"] for layer in model.layers[2:]] == ["relu", "sigmoid"]


@pytest.mark.exercise("ch05.build_rnn", points=1)
def test_predicts_one_probability_per_sequence():
    model = build_rnn()
    y = model.predict(np.random.default_rng(0).normal(size=(4, 100, 1)).astype("float32"), verbose=0)
    assert y.shape == (4, 1)
    assert np.all((y > 0) & (y < 1))
