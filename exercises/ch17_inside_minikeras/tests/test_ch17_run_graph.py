import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from graph_runner import run_model


def run_without_shortcuts(model, inputs):
    """Compute the expected outputs first, then run the student's walk on a model whose
    own execution entry points raise."""
    want = model.predict(inputs, verbose=0)
    want = want if isinstance(want, list) else [want]

    def refuse(*args, **kwargs):
        raise AssertionError("walk the graph: do not call the model itself")

    model.call = model._run_nodes = model.graph.run = model.predict = model.predict_on_batch = refuse
    got = run_model(model, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch17.run_graph", points=1)
def test_a_chain():
    inputs = keras.Input(shape=(5,))
    x = layers.Dense(8, activation="relu")(inputs)
    x = layers.Dense(4, activation="tanh")(x)
    model = keras.Model(inputs, layers.Dense(2)(x))
    run_without_shortcuts(model, [np.random.default_rng(0).random((3, 5), dtype=np.float32)])


@pytest.mark.exercise("ch17.run_graph", points=1)
def test_branches_merges_and_a_residual_add():
    inputs = keras.Input(shape=(6, 6, 2))
    a = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    b = layers.Conv2D(4, 1)(inputs)
    x = layers.add([a, b])
    x = layers.concatenate([x, layers.MaxPooling2D(3, strides=1, padding="same")(x)])
    outputs = layers.Dense(3)(layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, outputs)
    run_without_shortcuts(model, [np.random.default_rng(1).random((2, 6, 6, 2), dtype=np.float32)])


@pytest.mark.exercise("ch17.run_graph", points=1)
def test_two_inputs_two_outputs_and_a_shared_layer():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = layers.Dense(3, activation="sigmoid")
    ha, hb = shared(a), shared(b)
    h2 = shared(layers.Dense(4)(ha))                  # a third call of the shared layer
    out1 = layers.Dense(1, name="first")(layers.subtract([ha, hb]))
    out2 = layers.multiply([h2, hb], name="second")
    model = keras.Model([a, b], [out1, out2])
    rng = np.random.default_rng(2)
    run_without_shortcuts(model, [rng.random((5, 4), dtype=np.float32), rng.random((5, 4), dtype=np.float32)])
