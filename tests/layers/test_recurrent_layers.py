"""Recurrent layers in graphs: masking from Embedding(mask_zero=True) and Masking, initial
states passed as tensors, return_state, and go_backwards."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


@pytest.mark.parametrize("cell", [layers.LSTM, layers.GRU, layers.SimpleRNN])
def test_padding_masked_by_embedding_does_not_change_the_result(cell):
    ids = keras.Input((None,), dtype="int32")
    features = cell(4)(layers.Embedding(10, 3, mask_zero=True)(ids))
    model = keras.Model(ids, features)
    short = np.array([[3, 5, 7]])
    padded = np.array([[3, 5, 7, 0, 0]])
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(short, verbose=0), rtol=1e-6)


def test_masking_layer_skips_all_zero_steps():
    x = keras.Input((None, 2))
    model = keras.Model(x, layers.LSTM(3)(layers.Masking(0.0)(x)))
    seq = np.random.rand(1, 4, 2).astype("float32")
    padded = np.concatenate([seq, np.zeros((1, 2, 2), "float32")], axis=1)
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(seq, verbose=0), rtol=1e-6)


def test_initial_state_tensors_are_inputs_of_the_node():
    x = keras.Input((5, 2))
    h0, c0 = keras.Input((3,)), keras.Input((3,))
    lstm = layers.LSTM(3, return_state=True)
    out, h, c = lstm(x, initial_state=[h0, c0])
    model = keras.Model([x, h0, c0], [out, h, c])
    assert lstm._inbound_nodes[0].inbound_layers[1] is h0._keras_history.layer
    data = np.random.rand(2, 5, 2).astype("float32")
    zeros = np.zeros((2, 3), "float32")
    ones = np.ones((2, 3), "float32")
    out0, h_0, _ = model.predict([data, zeros, zeros], verbose=0)
    out1, _, _ = model.predict([data, ones, ones], verbose=0)
    np.testing.assert_allclose(out0, h_0)  # the output is the last hidden state
    assert not np.allclose(out0, out1)     # and it depends on the initial state
    plain = keras.Model(x, layers.LSTM(3)(x))
    plain.set_weights(lstm.get_weights())
    np.testing.assert_allclose(plain.predict(data, verbose=0), out0, rtol=1e-6)


def test_go_backwards_reads_the_sequence_reversed():
    x = keras.Input((6, 2))
    forward, backward = layers.GRU(3), layers.GRU(3, go_backwards=True)
    m_f, m_b = keras.Model(x, forward(x)), keras.Model(x, backward(x))
    backward.set_weights(forward.get_weights())
    data = np.random.rand(2, 6, 2).astype("float32")
    np.testing.assert_allclose(m_b.predict(data, verbose=0), m_f.predict(data[:, ::-1], verbose=0), rtol=1e-6)


def test_unsupported_recurrent_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="simple_rnn_1.*activation.*'elu'"):
        layers.SimpleRNN(2, activation="elu")


def test_bidirectional_sets_the_weights_it_is_given():
    """``weights=`` (forward layer's first) is set once the layer is built, not dropped."""
    x = np.ones((1, 3, 4), "float32")
    reference = layers.Bidirectional(layers.LSTM(2))
    reference(x)
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=w.shape).astype("float32") for w in reference.get_weights()]
    layer = layers.Bidirectional(layers.LSTM(2), weights=weights)
    layer(x)
    for got, want in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
