"""Node: one call of a layer, and the history it stamps on the tensors it makes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def test_input_is_symbolic_with_history():
    x = Input(shape=(28, 28, 1), name="img")
    assert isinstance(x, KerasTensor)
    assert x.shape == (None, 28, 28, 1) and x.dtype == "float32"
    layer, node_index, tensor_index = x._keras_history
    assert layer.name == "img" and type(layer).__name__ == "InputLayer"
    assert (node_index, tensor_index) == (0, 0)
    assert Input(shape=(None,), dtype="int32").dtype == "int32"


def test_layer_builds_once_and_records_one_node_per_call():
    x1, x2 = Input((8,)), Input((8,))
    shared = Dense(3)
    y1, y2 = shared(x1), shared(x2)
    assert len(shared.weights) == 2 and shared.kernel.shape == (8, 3)
    assert len(shared._inbound_nodes) == 2
    assert y1._keras_history.node_index == 0 and y2._keras_history.node_index == 1
    assert shared.get_output_at(1) is y2 and shared.get_input_at(0) is x1
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        shared.output
    with pytest.raises(ValueError, match="only 2 inbound nodes"):
        shared.get_output_at(2)
    assert shared.output_shape == (None, 3)  # same shape on both nodes: well defined


def test_never_called_layer_has_no_output():
    with pytest.raises(AttributeError, match="never been called"):
        Dense(2).output
