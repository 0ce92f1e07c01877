"""ch04.build_cnn: the chapter's CNN (35,813 parameters, as real Keras reports)."""
import numpy as np
import pytest

from minikeras.models import Model

from cnn_model import build_cnn


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


@pytest.mark.exercise("ch04.build_cnn", points=1)
def test_structure_and_parameter_counts():
    model = build_cnn()
    assert isinstance(model, Model)
    assert structure(model) == [
        ("InputLayer", (None, 64, 64, 1), 0, []),
        ("Conv2D", (None, 61, 61, 32), 544, [0]),
        ("MaxPooling2D", (None, 30, 30, 32), 0, [1]),
        ("Conv2D", (None, 27, 27, 16), 8208, [2]),
        ("MaxPooling2D", (None, 13, 13, 16), 0, [3]),
        ("Flatten", (None, 2704), 0, [4]),
        ("Dense", (None, 10), 27050, [5]),
        ("Dense", (None, 1), 11, [6]),
    ]
    assert model.count_params() == 35813


@pytest.mark.exercise("ch04.build_cnn", points=1)
def test_layer_settings():
    model = build_cnn()
    conv1, pool1, conv2, pool2 = model.layers[1:5]
    for conv in (conv1, conv2):
        config = conv.get_config()
        assert tuple(config["kernel_size"]) == (4, 4)
        assert config["activation"] == "relu" and config["padding"] == "valid"
    for pool in (pool1, pool2):
        assert tuple(pool.get_config()["pool_size"]) == (2, 2)
    assert [layer.get_config()["activation"] for layer in model.layers[6:]] == ["relu", "sigmoid"]


@pytest.mark.exercise("ch04.build_cnn", points=1)
def test_predicts_one_probability_per_image():
    model = build_cnn()
    y = model.predict(np.random.default_rng(0).normal(size=(3, 64, 64, 1)).astype("float32"), verbose=0)
    assert y.shape == (3, 1)
    assert np.all((y > 0) & (y < 1))
