"""ch07.run_graph and ch07.probe_model: checked against minikeras's own Model.predict.

``run_graph`` runs with the model's own execution switched off, and ``probe_model``'s
model is inspected together with the model it probes (``probes_ch07``)."""
import numpy as np
import pytest

from minikeras.layers import LSTM, Dense, Input, concatenate
from minikeras.models import Model

from probes_ch07 import probe_beside_model, run_graph_without_the_model
from run_graph import probe_model


def shared_feature_model():
    visible = Input(shape=(20, 1))
    extract = LSTM(6, name="extract")(visible)
    interp1 = Dense(5, activation="relu", name="shallow")(extract)
    interp11 = Dense(5, activation="relu")(extract)
    interp12 = Dense(7, activation="relu")(interp11)
    interp13 = Dense(5, activation="relu", name="deep")(interp12)
    merge = concatenate([interp1, interp13], name="merge")
    return Model(visible, Dense(1, activation="sigmoid", name="output")(merge))


def two_input_two_output_model():
    a = Input(shape=(4,))
    b = Input(shape=(3,))
    h = Dense(6, activation="tanh")(concatenate([Dense(5)(a), b]))
    return Model([a, b], [Dense(1, activation="sigmoid")(h), Dense(3, activation="softmax")(Dense(4)(h))])


def output_layer_names(model):
    return [tensor._keras_history[0].name for tensor in model.outputs]


@pytest.mark.exercise("ch07.run_graph", points=1)
def test_a_chain():
    visible = Input(shape=(5,))
    model = Model(visible, Dense(2, activation="relu")(Dense(3)(visible)))
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    expected = model.predict(x, verbose=0)
    outputs = run_graph_without_the_model(model, [x])
    assert isinstance(outputs, list) and len(outputs) == 1
    np.testing.assert_allclose(outputs[0], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch07.run_graph", points=1)
def test_the_shared_feature_extractor():
    model = shared_feature_model()
    x = np.random.default_rng(1).normal(size=(3, 20, 1)).astype("float32")
    expected = model.predict(x, verbose=0)
    (y,) = run_graph_without_the_model(model, x)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch07.run_graph", points=1)
def test_two_inputs_and_two_outputs():
    model = two_input_two_output_model()
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(6, 4)).astype("float32"), rng.normal(size=(6, 3)).astype("float32")
    expected = model.predict([a, b], verbose=0)
    outputs = run_graph_without_the_model(model, [a, b])
    assert len(outputs) == 2
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch07.probe_model", points=1)
def test_probe_shares_layers_and_weights():
    model = shared_feature_model()
    names = ["extract", "shallow", "deep", "output"]
    probe, together = probe_beside_model(model, names)
    assert isinstance(probe, Model)
    assert len(probe.outputs) == 4
    assert output_layer_names(probe) == names
    assert probe.count_params() == model.count_params()
    assert [tuple(t.shape) for t in probe.outputs] == [(None, 6), (None, 5), (None, 5), (None, 1)]
    # the probe's layers are the model's own (same weights), not copies: side by side in
    # one model they add no layer and no parameter
    for kept, original in zip(probe.get_layer("extract").get_weights(), model.get_layer("extract").get_weights()):
        np.testing.assert_array_equal(kept, original)
    assert output_layer_names(together) == output_layer_names(model) + names
    assert sorted(layer.name for layer in together.layers) == sorted(layer.name for layer in model.layers)
    assert together.count_params() == model.count_params()


@pytest.mark.exercise("ch07.probe_model", points=1)
def test_probe_values_are_the_intermediate_values():
    model = shared_feature_model()
    x = np.random.default_rng(3).normal(size=(4, 20, 1)).astype("float32")
    features, prediction = probe_model(model, ["extract", "output"]).predict(x, verbose=0)
    np.testing.assert_allclose(features, np.asarray(model.get_layer("extract")(x)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(prediction, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
