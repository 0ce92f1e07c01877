"""ch09.build_multi_output and ch09.build_class_and_box: the chapter's models
(1,452 and 374,414 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from multi_output_models import build_class_and_box_model, build_multi_output_model


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


@pytest.mark.exercise("ch09.build_multi_output", points=2)
def test_sequence_model_structure_and_parameter_counts():
    model = build_multi_output_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 100, 1), 0, []),
        ("LSTM", (None, 100, 10), 480, [0]),
        ("LSTM", (None, 10), 840, [1]),
        ("Dense", (None, 10), 110, [2]),
        ("Dense", (None, 1), 11, [3]),
        ("TimeDistributed", (None, 100, 1), 11, [1]),
    ]
    assert model.count_params() == 1452


@pytest.mark.exercise("ch09.build_multi_output", points=1)
def test_sequence_model_outputs():
    model = build_multi_output_model()
    assert [tuple(t.shape) for t in model.outputs] == [(None, 1), (None, 100, 1)]
    probability, per_step = model.predict(np.random.default_rng(0).normal(size=(2, 100, 1)).astype("float32"),
                                          verbose=0)
    assert probability.shape == (2, 1) and per_step.shape == (2, 100, 1)
    assert np.all((probability > 0) & (probability < 1))


@pytest.mark.exercise("ch09.build_class_and_box", points=2)
def test_class_and_box_structure_and_parameter_counts():
    model = build_class_and_box_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 224, 224, 3), 0, []),
        ("Conv2D", (None, 222, 222, 64), 1792, [0]),
        ("MaxPooling2D", (None, 111, 111, 64), 0, [1]),
        ("Conv2D", (None, 109, 109, 128), 73856, [2]),
        ("MaxPooling2D", (None, 54, 54, 128), 0, [3]),
        ("Conv2D", (None, 52, 52, 256), 295168, [4]),
        ("GlobalAveragePooling2D", (None, 256), 0, [5]),
        ("Dense", (None, 10), 2570, [6]),
        ("Dense", (None, 4), 1028, [6]),
    ]
    assert model.count_params() == 374414


@pytest.mark.exercise("ch09.build_class_and_box", points=1)
def test_class_and_box_heads_are_named():
    model = build_class_and_box_model()
    assert model.output_names == ["class", "bbox"]
    assert [layer.get_config()["activation"] for layer in model.layers[-2:]] == ["softmax", "sigmoid"]
