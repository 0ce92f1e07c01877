import numpy as np
import pytest

from minikeras import layers

from shared_encoder import build_shared_encoder


def lstm_params(units, input_dim):
    return 4 * units * (input_dim + units + 1)


def layers_of(model, cls):
    return [layer for layer in model.layers if isinstance(layer, cls)]


def nodes_in(model, layer):
    """The calls of ``layer`` that are part of ``model``'s graph."""
    return [node for node in layer._inbound_nodes if node in model.graph.nodes]


@pytest.mark.exercise("ch10.shared_encoder", points=1)
def test_parameter_count_of_the_book_model():
    model = build_shared_encoder()
    assert model.count_params() == 1329537  # what Keras reports for this model


@pytest.mark.exercise("ch10.shared_encoder", points=1)
def test_one_embedding_and_one_lstm_each_called_twice():
    model = build_shared_encoder()
    embeddings = layers_of(model, layers.Embedding)
    lstms = layers_of(model, layers.LSTM)
    assert len(embeddings) == 1, "expected one shared Embedding layer in model.layers"
    assert len(lstms) == 1, "expected one shared LSTM layer in model.layers"
    assert len(nodes_in(model, embeddings[0])) == 2, "the Embedding should be called on both inputs"
    assert len(nodes_in(model, lstms[0])) == 2, "the LSTM should be called on both embedded texts"
    assert model.input_names == ["input_a", "input_b"]
    assert [tuple(x.shape) for x in model.inputs] == [(None, 100), (None, 100)]
    assert model.output_shape == (None, 1)
    dense = layers_of(model, layers.Dense)
    assert len(dense) == 1 and dense[0].units == 1


@pytest.mark.exercise("ch10.shared_encoder", points=1)
def test_other_sizes():
    model = build_shared_encoder(vocab_size=50, embed_dim=8, units=6, seq_len=7)
    expected = 50 * 8 + lstm_params(6, 8) + (2 * 6 + 1)
    assert model.count_params() == expected
    assert [tuple(x.shape) for x in model.inputs] == [(None, 7), (None, 7)]
