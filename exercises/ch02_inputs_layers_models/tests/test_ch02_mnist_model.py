"""ch02.build_mnist_model: the chapter's 784 -> 64 -> 64 -> 10 classifier (55,050 parameters)."""
import numpy as np
import pytest

from minikeras.models import Model

from mnist_model import build_mnist_model


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


@pytest.mark.exercise("ch02.build_mnist_model", points=1)
def test_layers_shapes_and_parameters():
    model = build_mnist_model()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 784), 0, []),
        ("Dense", (None, 64), 50240, [0]),
        ("Dense", (None, 64), 4160, [1]),
        ("Dense", (None, 10), 650, [2]),
    ]
    assert model.count_params() == 55050


@pytest.mark.exercise("ch02.build_mnist_model", points=1)
def test_names_and_activations():
    model = build_mnist_model()
    assert model.name == "mnist_model"
    assert model.layers[0].name == "img"
    assert model.input_names == ["img"]
    assert [layer.get_config()["activation"] for layer in model.layers[1:]] == ["relu", "relu", "softmax"]


@pytest.mark.exercise("ch02.build_mnist_model", points=1)
def test_predicts_probabilities():
    model = build_mnist_model()
    x = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    p = model.predict(x, verbose=0)
    assert p.shape == (5, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
