import numpy as np
import pytest

from minikeras.layers import LSTM, Dense, Input, TimeDistributed, concatenate
from minikeras.models import Model

from probes_ch07 import probe_beside_model, run_graph_without_the_model


@pytest.mark.exercise("ch07.run_graph", points=1)
def test_a_shared_layer_and_an_output_that_feeds_another():
    a = Input(shape=(6, 2))
    b = Input(shape=(6, 2))
    shared = LSTM(3, return_sequences=True)
    sa, sb = shared(a), shared(b)
    per_step = TimeDistributed(Dense(1))(sa)
    merged = concatenate([LSTM(4)(sb), LSTM(2)(per_step)])
    model = Model([a, b], [per_step, Dense(2, activation="softmax")(merged)])
    rng = np.random.default_rng(4)
    xa, xb = rng.normal(size=(3, 6, 2)).astype("float32"), rng.normal(size=(3, 6, 2)).astype("float32")
    expected = model.predict([xa, xb], verbose=0)
    outputs = run_graph_without_the_model(model, [xa, xb])
    assert len(outputs) == 2
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch07.probe_model", points=1)
def test_probe_of_a_two_input_model_in_the_given_order():
    a = Input(shape=(4,))
    b = Input(shape=(3,))
    first = Dense(5, name="first")(a)
    merged = concatenate([first, b], name="merged")
    model = Model([a, b], Dense(1, name="last")(merged))
    probe, together = probe_beside_model(model, ["merged", "first"])
    # the probe's inputs are the model's, in order (by their InputLayers' names and shapes)
    assert [(t._keras_history[0].name, tuple(t.shape)) for t in probe.inputs] == \
        [(t._keras_history[0].name, tuple(t.shape)) for t in model.inputs]
    assert sorted(layer.name for layer in together.layers) == sorted(layer.name for layer in model.layers)
    assert together.count_params() == model.count_params()
    rng = np.random.default_rng(5)
    xa, xb = rng.normal(size=(2, 4)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")
    merged_value, first_value = probe.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(merged_value, np.concatenate([first_value, xb], axis=1), rtol=1e-6)
    kernel, bias = model.get_layer("first").get_weights()
    np.testing.assert_allclose(first_value, xa @ kernel + bias, rtol=1e-5, atol=1e-6)
