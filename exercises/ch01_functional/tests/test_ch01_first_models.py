"""ch01.build_first_models: the chapter's Sequential and functional models."""
import numpy as np
import pytest

from minikeras.models import Model, Sequential

from first_models import build_functional, build_sequential


@pytest.mark.exercise("ch01.build_first_models", points=1)
def test_sequential_model():
    model = build_sequential()
    assert isinstance(model, Sequential)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert [layer.units for layer in model.layers] == [2, 1]
    assert model.input_shape == (None, 1)
    assert model.output_shape == (None, 1)
    assert [layer.count_params() for layer in model.layers] == [4, 3]
    assert model.count_params() == 7


@pytest.mark.exercise("ch01.build_first_models", points=1)
def test_functional_model():
    model = build_functional()
    assert isinstance(model, Model) and not isinstance(model, Sequential)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]
    assert model.input_shape == (None, 2)
    assert model.output_shape == (None, 2)
    dense = model.layers[1]
    assert dense._inbound_nodes[0].inbound_layers == [model.layers[0]]
    assert model.count_params() == 6


@pytest.mark.exercise("ch01.build_first_models", points=1)
def test_both_models_are_linear_and_run():
    x1 = np.random.default_rng(0).normal(size=(5, 1)).astype("float32")
    x2 = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    seq, fun = build_sequential(), build_functional()
    for layer in seq.layers + fun.layers[1:]:
        assert layer.get_config()["activation"] == "linear"
    assert seq.predict(x1, verbose=0).shape == (5, 1)
    kernel, bias = fun.layers[1].get_weights()
    np.testing.assert_allclose(fun.predict(x2, verbose=0), x2 @ kernel + bias, rtol=1e-5, atol=1e-6)
