import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.summary import _connections as summary_connections

from probes_ch10 import connections_in

# the summary's own column: a submission that uses them fails
FORBID_CONNECTED_TO = [
    "minikeras.engine.summary._connections",
]


def check_every_layer(model, called_again=()):
    """Your ``connected_to`` for every layer of ``model`` (asked through ``probes_ch10``),
    checked against the summary's column; returns your answers by layer name."""
    answers = connections_in(model, called_again)
    assert list(answers) == [layer.name for layer in model.layers]
    for layer in model.layers:
        want = summary_connections(layer, model)
        got = answers[layer.name]
        assert list(got) == want, f"layer {layer.name}: expected {want}, got {got}"
    return answers


@pytest.mark.exercise("ch10.connections", points=1, forbid=FORBID_CONNECTED_TO)
def test_shared_embedding_model_from_the_book():
    keras.backend.clear_session()
    shared = layers.Embedding(1000, 16)
    text_a = keras.Input(shape=(None,), dtype="int32")
    text_b = keras.Input(shape=(None,), dtype="int32")
    model = keras.Model([text_a, text_b], [shared(text_a), shared(text_b)])
    answers = check_every_layer(model)
    assert answers[shared.name] == ["input_1[0][0]", "input_2[0][0]"]


@pytest.mark.exercise("ch10.connections", points=1, forbid=FORBID_CONNECTED_TO)
def test_branches_merges_and_a_shared_dense():
    keras.backend.clear_session()
    inputs = keras.Input(shape=(8,))
    shared = layers.Dense(8, activation="relu")
    x = shared(inputs)
    y = shared(x)                      # the same layer, called on its own output
    z = layers.add([x, y, inputs])
    outputs = layers.Dense(2)(layers.concatenate([z, y]))
    model = keras.Model(inputs, outputs)
    answers = check_every_layer(model)
    assert answers[shared.name] == ["input_1[0][0]", "dense_1[0][0]"]
