import numpy as np
import pytest

from minikeras.engine import functional
from minikeras.layers import LSTM, Dense, Input, TimeDistributed, concatenate
from minikeras.models import Model

from run_graph import probe_model, run_graph


@pytest.mark.exercise("ch07.run_graph", points=1)
def test_a_shared_layer_and_an_output_that_feeds_another(monkeypatch):
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

    def refuse(*args, **kwargs):
        raise AssertionError("run_graph must call the layers itself, not the model")
    for name in ("predict", "call", "_run_graph"):
        monkeypatch.setattr(functional.Model, name, refuse)
    outputs = run_graph(model, [xa, xb])
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch07.probe_model", points=1)
def test_probe_of_a_two_input_model_in_the_given_order():
    a = Input(shape=(4,))
    b = Input(shape=(3,))
    first = Dense(5, name="first")(a)
    merged = concatenate([first, b], name="merged")
    model = Model([a, b], Dense(1, name="last")(merged))
    probe = probe_model(model, ["merged", "first"])
    assert probe.inputs == model.inputs
    rng = np.random.default_rng(5)
    xa, xb = rng.normal(size=(2, 4)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")
    merged_value, first_value = probe.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(merged_value, np.concatenate([first_value, xb], axis=1), rtol=1e-6)
    kernel, bias = model.get_layer("first").get_weights()
    np.testing.assert_allclose(first_value, xa @ kernel + bias, rtol=1e-5, atol=1e-6)
