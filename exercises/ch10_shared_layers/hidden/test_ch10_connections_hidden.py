import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.summary import _connections as summary_connections

from probes_ch10 import connections_in

# the summary's own column: a submission that uses them fails
FORBID_CONNECTED_TO = [
    "minikeras.engine.summary._connections",
]


@pytest.mark.exercise("ch10.connections", points=1, forbid=FORBID_CONNECTED_TO)
def test_nested_models_and_a_layer_used_in_two_models():
    keras.backend.clear_session()

    def member():
        inputs = keras.Input(shape=(6,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    members = [member(), member()]
    inputs = keras.Input(shape=(6,))
    shared = layers.Dense(6)
    h = shared(inputs)
    ensemble = keras.Model(inputs, layers.average([m(h) for m in members]))
    other_input = keras.Input(shape=(6,))
    other = keras.Model(other_input, shared(other_input))     # a second model using `shared`
    # each model travels alone; there `shared` is called once more, as the other model did
    answers = {}
    for model in (ensemble, other):
        answers[model.name] = connections_in(model, called_again=[shared.name])
        assert list(answers[model.name]) == [layer.name for layer in model.layers]
        for layer in model.layers:
            assert list(answers[model.name][layer.name]) == summary_connections(layer, model), layer.name
    assert answers[ensemble.name][members[0].name] == [f"{shared.name}[0][0]"]
    assert answers[other.name][shared.name] == [f"{other_input._keras_history.layer.name}[0][0]"]
