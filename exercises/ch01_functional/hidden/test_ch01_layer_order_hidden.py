import pytest

from minikeras.engine.graph import map_graph
from minikeras.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D, concatenate
from minikeras.models import Model

from probes_ch01 import depths_of, order_of


def shared_layer_graph():
    """One Dense layer called on two inputs at different depths, and two outputs."""
    a = Input(shape=(4,))
    b = Input(shape=(4,))
    shared = Dense(4, name="shared")
    deep_a = Dense(4)(Dense(4)(a))
    x1 = shared(deep_a)
    x2 = shared(b)
    merged = concatenate([x2, x1])
    return [a, b], [Dense(1)(merged), x1]


def shared_input_graph():
    """Chapter 6: two branches from one input."""
    visible = Input(shape=(16, 16, 1))
    flat1 = Flatten()(MaxPooling2D()(Conv2D(4, 3)(visible)))
    flat2 = Flatten()(MaxPooling2D()(Conv2D(2, 5)(visible)))
    hidden = Dense(3)(concatenate([flat1, flat2]))
    return [visible], [Dense(1)(hidden)]


@pytest.mark.exercise("ch01.layer_depths", points=1)
def test_depths_with_a_shared_layer():
    for inputs, outputs in (shared_layer_graph(), shared_input_graph()):
        graph = map_graph(inputs, outputs)
        expected = {layer.name: d for d, layers in graph.layers_by_depth.items() for layer in layers}
        assert depths_of(Model(inputs, outputs)) == expected


@pytest.mark.exercise("ch01.layer_order", points=1)
def test_order_with_a_shared_layer_and_branches():
    for inputs, outputs in (shared_layer_graph(), shared_input_graph()):
        assert order_of(Model(inputs, outputs)) == [layer.name for layer in map_graph(inputs, outputs).layers]
