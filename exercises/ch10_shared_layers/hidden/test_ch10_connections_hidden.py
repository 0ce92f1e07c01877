import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.summary import _connections as summary_connections

from node_connections import connected_to


@pytest.mark.exercise("ch10.connections", points=1)
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
    for model in (ensemble, other):
        for layer in model.layers:
            assert list(connected_to(model, layer)) == summary_connections(layer, model), layer.name
    assert connected_to(ensemble, members[0]) == [f"{shared.name}[0][0]"]
    assert connected_to(other, shared) == [f"{other_input._keras_history.layer.name}[0][0]"]
