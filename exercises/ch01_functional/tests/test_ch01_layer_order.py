"""ch01.layer_depths and ch01.layer_order: checked against minikeras's own map_graph.

Each graph goes to your functions as a model (``probes_ch01``): its outputs are the
tensors your functions walk."""
import pytest

from minikeras.engine.graph import map_graph
from minikeras.layers import LSTM, Dense, Input, concatenate
from minikeras.models import Model

from probes_ch01 import depths_of, order_of


def chain():
    visible = Input(shape=(10,))
    x = Dense(10, activation="relu")(visible)
    x = Dense(20, activation="relu")(x)
    x = Dense(10, activation="relu")(x)
    return [visible], [Dense(1, activation="sigmoid")(x)]


def shared_feature_extractor():
    """Chapter 7's model: the code creates the shallow interpreter first."""
    visible = Input(shape=(100, 1))
    extract = LSTM(10)(visible)
    interp1 = Dense(10, activation="relu")(extract)
    interp11 = Dense(10, activation="relu")(extract)
    interp12 = Dense(20, activation="relu")(interp11)
    interp13 = Dense(10, activation="relu")(interp12)
    merge = concatenate([interp1, interp13])
    return [visible], [Dense(1, activation="sigmoid")(merge)]


def two_outputs():
    """Two heads of different lengths; the first output is also read by the second head."""
    visible = Input(shape=(6,))
    trunk = Dense(8, activation="relu")(visible)
    short = Dense(1, name="short_head")(trunk)
    x = Dense(4)(trunk)
    x = concatenate([x, short])
    long = Dense(2, name="long_head")(Dense(4)(x))
    return [visible], [short, long]


def expected_depths(inputs, outputs):
    graph = map_graph(inputs, outputs)
    return {layer.name: depth for depth, layers in graph.layers_by_depth.items() for layer in layers}


def expected_order(inputs, outputs):
    return [layer.name for layer in map_graph(inputs, outputs).layers]


@pytest.mark.exercise("ch01.layer_depths", points=1)
def test_depths_of_a_chain():
    inputs, outputs = chain()
    depths = depths_of(Model(inputs, outputs))
    assert isinstance(depths, dict)
    assert depths == expected_depths(inputs, outputs)
    assert sorted(depths.values()) == [0, 1, 2, 3, 4]


@pytest.mark.exercise("ch01.layer_depths", points=1)
def test_depths_of_two_interpreters():
    inputs, outputs = shared_feature_extractor()
    assert depths_of(Model(inputs, outputs)) == expected_depths(inputs, outputs)


@pytest.mark.exercise("ch01.layer_depths", points=1)
def test_depths_with_two_outputs():
    inputs, outputs = two_outputs()
    assert depths_of(Model(inputs, outputs)) == expected_depths(inputs, outputs)


@pytest.mark.exercise("ch01.layer_order", points=1)
def test_order_of_a_chain():
    inputs, outputs = chain()
    order = order_of(Model(inputs, outputs))
    assert isinstance(order, list) and all(isinstance(name, str) for name in order)
    assert order == expected_order(inputs, outputs)


@pytest.mark.exercise("ch01.layer_order", points=1)
def test_order_of_two_interpreters_is_not_creation_order():
    inputs, outputs = shared_feature_extractor()
    expected = expected_order(inputs, outputs)
    assert order_of(Model(inputs, outputs)) == expected
    # the shallow interpreter (created first) is listed after the deep one's first two layers
    dense = [name for name in expected if name.startswith("dense")]
    assert dense != sorted(dense, key=lambda n: int(n.split("_")[-1]))


@pytest.mark.exercise("ch01.layer_order", points=1)
def test_order_with_two_outputs():
    inputs, outputs = two_outputs()
    assert order_of(Model(inputs, outputs)) == expected_order(inputs, outputs)
