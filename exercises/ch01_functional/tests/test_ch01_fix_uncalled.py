"""ch01.fix_uncalled_layer: the repaired chain 4 -> 8 (relu) -> 8 (relu) -> 1 (sigmoid)."""
import numpy as np
import pytest

from minikeras.models import Model

from fix_uncalled import fixed_model


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


@pytest.mark.exercise("ch01.fix_uncalled_layer", points=1)
def test_fixed_model_builds():
    model = fixed_model()
    assert isinstance(model, Model)
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 1)


@pytest.mark.exercise("ch01.fix_uncalled_layer", points=1)
def test_fixed_model_is_a_chain_of_three_dense_layers():
    assert structure(fixed_model()) == [
        ("InputLayer", (None, 4), 0, []),
        ("Dense", (None, 8), 40, [0]),
        ("Dense", (None, 8), 72, [1]),
        ("Dense", (None, 1), 9, [2]),
    ]


@pytest.mark.exercise("ch01.fix_uncalled_layer", points=1)
def test_fixed_model_keeps_the_activations():
    model = fixed_model()
    assert [layer.get_config()["activation"] for layer in model.layers[1:]] == ["relu", "relu", "sigmoid"]
    assert model.count_params() == 121
    y = model.predict(np.random.default_rng(0).normal(size=(6, 4)).astype("float32"), verbose=0)
    assert y.shape == (6, 1) and np.all((y > 0) & (y < 1))
