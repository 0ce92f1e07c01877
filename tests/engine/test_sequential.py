"""Sequential: a graph model built layer by layer."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def test_sequential_with_input_dim_and_add():
    model = Sequential([Dense(2, input_dim=1), Dense(1)])
    model2 = Sequential()
    model2.add(Dense(2, input_dim=1))
    model2.add(Dense(1))
    for m in (model, model2):
        assert m.count_params() == 7 and m.output_shape == (None, 1)
        assert all(type(l).__name__ == "Dense" for l in m.layers)
    assert model.inputs[0]._keras_history.layer.name == "dense_1_input"


def test_sequential_deferred_build_and_pop():
    model = Sequential([Dense(4), Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    out = model.predict(np.ones((3, 5), dtype="float32"))
    assert out.shape == (3, 2) and model.built and model.input_shape == (None, 5)
    model.pop()
    assert model.output_shape == (None, 4) and len(model.layers) == 1


def test_sequential_as_a_layer():
    inner = Sequential([Dense(3, input_shape=(4,)), Dense(2)])
    x = Input((4,))
    outer = Model(x, Dense(1)(inner(x)))
    assert outer.count_params() == inner.count_params() + 3
    data = np.random.rand(2, 4).astype("float32")
    np.testing.assert_allclose(outer.predict(data),
                               inner.predict(data) @ outer.layers[-1].kernel.value
                               + outer.layers[-1].bias.value, rtol=1e-5)


def test_sequential_without_a_graph_answers_as_a_layer_never_called():
    model = Sequential([Dense(2)])
    with pytest.raises(AttributeError, match="sequential_1 has never been called"):
        model.input
    model.build((None, 3))
    assert model.input.shape == (None, 3) and model.output_shape == (None, 2)
