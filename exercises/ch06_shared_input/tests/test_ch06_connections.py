"""ch06.connected_to and ch06.concat_shape: checked against minikeras's summary code and
its Concatenate layer. ``connected_to`` is asked about every layer of a model through
``probes_ch06.connections_in``."""
import pytest

from minikeras.engine.summary import _connections
from minikeras.layers import Concatenate, Conv2D, Dense, Flatten, Input, MaxPooling2D, concatenate
from minikeras.models import Model

from connections import concat_output_shape
from probes_ch06 import connections_in

# the summary's own column: a submission that uses them fails
FORBID_CONNECTED_TO = [
    "minikeras.engine.summary._connections",
]

# minikeras's Concatenate and its shape rule: a submission that uses them fails
FORBID_CONCAT_SHAPE = [
    "minikeras.ops.core._concat_shape",
    "minikeras.layers.Concatenate",
    "minikeras.layers.merge.Concatenate",
    "minikeras.layers.merging.Concatenate",
]


def shared_input_model():
    visible = Input(shape=(16, 16, 1))
    flat1 = Flatten()(MaxPooling2D()(Conv2D(4, 3, activation="relu")(visible)))
    flat2 = Flatten()(MaxPooling2D()(Conv2D(2, 5, activation="relu")(visible)))
    hidden = Dense(3, activation="relu")(concatenate([flat1, flat2]))
    return Model(visible, Dense(1, activation="sigmoid")(hidden))


def expected_connections(model):
    return {layer.name: _connections(layer, model) for layer in model.layers}


def shared_layer_model():
    """One Dense layer called on two inputs inside the model, and once more outside it."""
    a, b, c = Input(shape=(4,)), Input(shape=(4,)), Input(shape=(4,))
    shared = Dense(4)
    merged = concatenate([shared(a), shared(b)])
    model = Model([a, b], Dense(1)(merged))
    shared(c)   # a third call, not part of the model
    return model


@pytest.mark.exercise("ch06.connected_to", points=1, forbid=FORBID_CONNECTED_TO)
def test_a_branching_model():
    model = shared_input_model()
    got = connections_in(model)
    assert all(isinstance(entries, list) for entries in got.values())
    assert got == expected_connections(model)
    concat = [layer for layer in model.layers if isinstance(layer, Concatenate)][0]
    assert len(got[concat.name]) == 2


@pytest.mark.exercise("ch06.connected_to", points=1, forbid=FORBID_CONNECTED_TO)
def test_a_multi_input_model():
    a = Input(shape=(3,), name="a")
    b = Input(shape=(5,), name="b")
    merged = concatenate([Dense(2)(a), b, a])
    model = Model([a, b], Dense(1)(merged))
    assert connections_in(model) == expected_connections(model)


@pytest.mark.exercise("ch06.connected_to", points=1, forbid=FORBID_CONNECTED_TO)
def test_a_shared_layer_called_inside_and_outside_the_model():
    model = shared_layer_model()
    shared = model.layers[2]
    assert len(shared._inbound_nodes) == 3
    got = connections_in(model, called_again=[shared.name])
    assert got == expected_connections(model)
    assert len(got[shared.name]) == 2


@pytest.mark.exercise("ch06.concat_shape", points=1, forbid=FORBID_CONCAT_SHAPE)
def test_concatenating_vectors():
    for shapes in ([(None, 28800), (None, 12544)], [(None, 10), (None, 10)], [(None, 128), (None, 32), (None, 12)]):
        assert concat_output_shape(shapes) == Concatenate().compute_output_shape(shapes)
    assert concat_output_shape([(None, 28800), (None, 12544)]) == (None, 41344)


@pytest.mark.exercise("ch06.concat_shape", points=1, forbid=FORBID_CONCAT_SHAPE)
def test_other_axes_and_unknown_sizes():
    cases = [([(None, 4, 3), (None, 4, 5)], -1), ([(None, 4, 3), (None, 6, 3)], 1),
             ([(None, None, 3), (None, 7, 2)], -1), ([(None, 4, 3), (None, None, 3)], 1),
             ([(2, 5, 5, 1), (None, 5, 5, 2)], 3), ([(None, 3, 3)], -1)]
    for shapes, axis in cases:
        assert concat_output_shape(shapes, axis) == Concatenate(axis=axis).compute_output_shape(shapes), \
            (shapes, axis)


@pytest.mark.exercise("ch06.concat_shape", points=1, forbid=FORBID_CONCAT_SHAPE)
def test_mismatched_shapes_raise():
    for shapes, axis in [([(None, 4, 3), (None, 5, 3)], -1), ([(None, 3), (None, 3, 1)], -1),
                         ([(None, 4, 3), (None, 4, 5)], 1)]:
        with pytest.raises(ValueError):
            Concatenate(axis=axis).compute_output_shape(shapes)
        with pytest.raises(ValueError):
            concat_output_shape(shapes, axis)
