"""ch08.build_multi_input and ch08.build_ticket_classifier: the chapter's models
(49,699 and 1,392,097 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from multi_input_models import build_multi_input_model, build_ticket_classifier


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


@pytest.mark.exercise("ch08.build_multi_input", points=2)
def test_two_branches_structure_and_parameter_counts():
    model = build_multi_input_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 64, 64, 1), 0, []),
        ("InputLayer", (None, 32, 32, 3), 0, []),
        ("Conv2D", (None, 61, 61, 32), 544, [0]),
        ("Conv2D", (None, 29, 29, 32), 1568, [1]),
        ("MaxPooling2D", (None, 30, 30, 32), 0, [2]),
        ("MaxPooling2D", (None, 14, 14, 32), 0, [3]),
        ("Conv2D", (None, 27, 27, 16), 8208, [4]),
        ("Conv2D", (None, 11, 11, 16), 8208, [5]),
        ("MaxPooling2D", (None, 13, 13, 16), 0, [6]),
        ("MaxPooling2D", (None, 5, 5, 16), 0, [7]),
        ("Flatten", (None, 2704), 0, [8]),
        ("Flatten", (None, 400), 0, [9]),
        ("Concatenate", (None, 3104), 0, [10, 11]),
        ("Dense", (None, 10), 31050, [12]),
        ("Dense", (None, 10), 110, [13]),
        ("Dense", (None, 1), 11, [14]),
    ]
    assert model.count_params() == 49699


@pytest.mark.exercise("ch08.build_multi_input", points=1)
def test_inputs_in_order():
    model = build_multi_input_model()
    assert [tuple(x.shape) for x in model.inputs] == [(None, 64, 64, 1), (None, 32, 32, 3)]
    rng = np.random.default_rng(0)
    gray = rng.random((2, 64, 64, 1), dtype=np.float32)
    colour = rng.random((2, 32, 32, 3), dtype=np.float32)
    assert model.predict([gray, colour], verbose=0).shape == (2, 1)
    with pytest.raises(ValueError):
        model.predict([colour, gray], verbose=0)


@pytest.mark.exercise("ch08.build_ticket_classifier", points=1, timeout=60)
def test_ticket_classifier_structure_and_parameter_counts():
    model = build_ticket_classifier()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, None), 0, []),
        ("InputLayer", (None, None), 0, []),
        ("Embedding", (None, None, 64), 640000, [0]),
        ("Embedding", (None, None, 64), 640000, [1]),
        ("LSTM", (None, 128), 98816, [2]),
        ("LSTM", (None, 32), 12416, [3]),
        ("InputLayer", (None, 12), 0, []),
        ("Concatenate", (None, 172), 0, [4, 5, 6]),
        ("Dense", (None, 1), 173, [7]),
        ("Dense", (None, 4), 692, [7]),
    ]
    assert model.count_params() == 1392097


@pytest.mark.exercise("ch08.build_ticket_classifier", points=1, timeout=60)
def test_ticket_classifier_names():
    model = build_ticket_classifier()
    assert model.input_names == ["title", "body", "tags"]
    assert model.output_names == ["priority", "department"]
    assert [layer.get_config()["activation"] for layer in model.layers[-2:]] == ["sigmoid", "softmax"]


@pytest.mark.exercise("ch08.build_ticket_classifier", points=1, timeout=60)
def test_ticket_classifier_predicts_from_named_data_of_any_length():
    model = build_ticket_classifier()
    rng = np.random.default_rng(1)
    data = {"title": rng.integers(10000, size=(3, 7)), "body": rng.integers(10000, size=(3, 20)),
            "tags": rng.integers(2, size=(3, 12)).astype("float32")}
    priority, department = model.predict(data, verbose=0)
    assert priority.shape == (3, 1) and department.shape == (3, 4)
    np.testing.assert_allclose(department.sum(axis=1), 1.0, rtol=1e-5)
