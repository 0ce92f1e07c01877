"""model.summary(): Keras 2's 65- and 100-column tables."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def _branching_model(first_long=True):
    x = Input((10,))
    a = Dense(32)(x)
    b = Dense(32)(x)
    b = Dense(32)(b)
    c = layers.concatenate([b, a] if first_long else [a, b])
    return Model(x, Dense(1)(c))


def test_branching_summary_has_connections():
    lines = []
    _branching_model().summary(print_fn=lines.append)
    assert len(lines[0]) == 100 and lines[1].rstrip().endswith("Connected to")
    row = next(i for i, l in enumerate(lines) if l.startswith("concatenate_1"))
    assert lines[row].rstrip().endswith("dense_3[0][0]")
    assert lines[row + 1].strip() == "dense_1[0][0]"
    assert lines[-4:-1] == ["Total params: 1,825", "Trainable params: 1,825", "Non-trainable params: 0"]


def _encoder_decoder():
    x = Input((6,), name="original")
    encoder = Model(x, Dense(2, activation="relu")(x), name="encoder")
    z = Input((2,), name="code")
    decoder = Model(z, Dense(6)(z), name="decoder")
    img = Input((6,), name="img")
    autoencoder = Model(img, decoder(encoder(img)), name="autoencoder")
    return encoder, decoder, autoencoder


def test_nested_model_summary_row_and_node_index():
    encoder, decoder, autoencoder = _encoder_decoder()
    lines = []
    autoencoder.summary(print_fn=lines.append)
    assert any(l.startswith("encoder (Model)") and "(None, 2)" in l for l in lines)
    # A linear outer model is sequential-like (65 columns); consumers of a nested model use node 1.
    assert len(lines[0]) == 65
    assert decoder._inbound_nodes[1].node_indices == [1]
    assert decoder._inbound_nodes[1].inbound_layers == [encoder]


def test_sequential_summary_omits_input_row():
    model = Sequential([Dense(32, activation="relu", input_shape=(64,)), Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[3].startswith("dense_1 (Dense)") and "(None, 32)" in lines[3]
    assert len(lines[0]) == 65 and "Total params: 2,410" in lines
