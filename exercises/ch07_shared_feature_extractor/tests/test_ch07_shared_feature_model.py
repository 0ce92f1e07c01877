"""ch07.build_shared_feature: the chapter's model (1,151 parameters, as real Keras reports)."""
import numpy as np
import pytest

import minikeras as keras
from minikeras.models import Model

from shared_feature_model import build_shared_feature_model


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


@pytest.mark.exercise("ch07.build_shared_feature", points=2)
def test_structure_and_parameter_counts():
    model = build_shared_feature_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 100, 1), 0, []),
        ("LSTM", (None, 10), 480, [0]),
        ("Dense", (None, 10), 110, [1]),
        ("Dense", (None, 20), 220, [2]),
        ("Dense", (None, 10), 110, [1]),
        ("Dense", (None, 10), 210, [3]),
        ("Concatenate", (None, 20), 0, [4, 5]),
        ("Dense", (None, 1), 21, [6]),
    ]
    assert model.count_params() == 1151


@pytest.mark.exercise("ch07.build_shared_feature", points=1)
def test_layer_names_in_the_order_of_the_book():
    keras.backend.clear_session()
    model = build_shared_feature_model()
    assert [layer.name for layer in model.layers] == [
        "input_1", "lstm_1", "dense_2", "dense_3", "dense_1", "dense_4", "concatenate_1", "dense_5"]
