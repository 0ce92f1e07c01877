"""minikeras.layers.rnn and rnn_cells: the generic RNN layer around a cell. The built-in cells
equal the fused layers for the same weights; masks, initial states, nested states of stacked
cells, a user's own cell, dropout masks per sequence, config round trips and errors. (Gradients:
test_layer_gradients.py; Keras parity: tests/parity/test_rnn_parity.py and the layer registry.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

X = np.random.default_rng(0).normal(size=(3, 6, 4)).astype("float32")


def _model(layer, shape=(6, 4)):
    x = keras.Input(shape)
    return keras.Model(x, layer(x))


@pytest.mark.parametrize("cell,fused", [
    (lambda: layers.SimpleRNNCell(5), lambda: layers.SimpleRNN(5, return_sequences=True)),
    (lambda: layers.LSTMCell(5), lambda: layers.LSTM(5, return_sequences=True)),
    (lambda: layers.GRUCell(5), lambda: layers.GRU(5, return_sequences=True)),
    (lambda: layers.GRUCell(5, reset_after=False), lambda: layers.GRU(5, reset_after=False, return_sequences=True)),
])
def test_cells_equal_the_fused_layers(cell, fused):
    generic = _model(layers.RNN(cell(), return_sequences=True))
    built_in = _model(fused())
    built_in.set_weights(generic.get_weights())
    np.testing.assert_allclose(generic.predict(X, verbose=0), built_in.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
    assert generic.count_params() == built_in.count_params()


def test_go_backwards_and_return_state_equal_the_fused_layer():
    generic = _model(layers.RNN(layers.LSTMCell(3), go_backwards=True, return_state=True))
    built_in = _model(layers.LSTM(3, go_backwards=True, return_state=True))
    built_in.set_weights(generic.get_weights())
    for a, b in zip(generic.predict(X, verbose=0), built_in.predict(X, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_masked_padding_changes_nothing_and_zero_output_for_mask():
    ids = keras.Input((None,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(ids)
    model = keras.Model(ids, layers.RNN(layers.GRUCell(4), return_sequences=True)(embedded))
    short, padded = np.array([[3, 5, 7]]), np.array([[3, 5, 7, 0, 0]])
    out_short, out_padded = model.predict(short, verbose=0), model.predict(padded, verbose=0)
    np.testing.assert_allclose(out_padded[:, :3], out_short, rtol=1e-6)
    np.testing.assert_allclose(out_padded[:, 3], out_short[:, 2], rtol=1e-6)  # repeats the last output
    zeroing = keras.Model(ids, layers.RNN(layers.GRUCell(4), return_sequences=True, zero_output_for_mask=True)(
        layers.Embedding(10, 3, mask_zero=True)(ids)))
    assert np.all(zeroing.predict(padded, verbose=0)[:, 3:] == 0)


def test_stacked_cells_states_nest_per_cell():
    rnn = layers.RNN([layers.SimpleRNNCell(3), layers.LSTMCell(2)], return_state=True)
    assert isinstance(rnn.cell, layers.StackedRNNCells) and rnn.cell.state_size == [3, [2, 2]]
    output, h1, (h2, c2) = rnn(X)
    assert output.shape == (3, 2) and h1.shape == (3, 3) and h2.shape == c2.shape == (3, 2)
    np.testing.assert_allclose(np.asarray(output), np.asarray(h2))
    symbolic = rnn(keras.Input((6, 4)))
    assert [tuple(t.shape) for t in keras.tree.flatten(symbolic)] == [(None, 2), (None, 3), (None, 2), (None, 2)]


def test_initial_state_is_used_and_checked():
    rnn = layers.RNN(layers.LSTMCell(2))
    h0 = np.ones((3, 2), "float32")
    zero = np.asarray(rnn(X))
    started = np.asarray(rnn(X, initial_state=[h0, h0]))
    assert not np.allclose(zero, started)
    with pytest.raises(ValueError, match="initial_state needs 2 tensors"):
        rnn(X, initial_state=[h0])


class MinimalRNNCell(layers.Layer):
    """The cell of Keras's RNN documentation: h_t = x_t W + h_{t-1} U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
        return output, [output]


def test_a_users_own_cell_runs_and_trains():
    model = _model(layers.RNN(MinimalRNNCell(3)))
    kernel, recurrent = (w.value for w in model.weights)
    h = np.zeros((3, 3), "float32")
    for t in range(6):
        h = X[:, t] @ kernel + h @ recurrent
    np.testing.assert_allclose(model.predict(X, verbose=0), h, rtol=1e-5, atol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    before = model.evaluate(X, np.ones((3, 3)), verbose=0)
    model.fit(X, np.ones((3, 3)), epochs=3, verbose=0)
    assert model.evaluate(X, np.ones((3, 3)), verbose=0) < before


def test_dropout_masks_are_drawn_once_per_sequence():
    cell = layers.SimpleRNNCell(4, dropout=0.5, recurrent_dropout=0.5, seed=3)
    rnn = layers.RNN(cell, return_sequences=True)
    rnn(X)  # builds
    step = X[:, 0]
    cell(step, [np.zeros((3, 4), "float32")], training=True)
    first = np.asarray(cell.get_dropout_mask(step))
    assert set(np.unique(first)) <= {0.0, 2.0}
    cell(step, [np.zeros((3, 4), "float32")], training=True)
    np.testing.assert_array_equal(np.asarray(cell.get_dropout_mask(step)), first)  # same mask for the next step
    rnn(X, training=True)
    assert cell._dropout_mask is None and cell._recurrent_dropout_mask is None   # reset after the sequence
    np.testing.assert_allclose(np.asarray(rnn(X)), np.asarray(rnn(X, training=False)))  # no dropout outside training


@pytest.mark.parametrize("make", [
    lambda: layers.RNN(layers.LSTMCell(2, dropout=0.2, seed=1), return_sequences=True, zero_output_for_mask=True),
    lambda: layers.RNN(layers.StackedRNNCells([layers.GRUCell(3, reset_after=False), layers.SimpleRNNCell(2)])),
])
def test_config_round_trip(make):
    layer = make()
    layer(X)
    clone = layers.RNN.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(X)), np.asarray(layer(X)))


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3), name="no_state")
    with pytest.raises(ValueError, match="stateful"):
        layers.RNN(layers.GRUCell(2), stateful=True)
    with pytest.raises(ValueError, match="at least one cell"):
        layers.StackedRNNCells([])
    with pytest.raises(ValueError, match="units"):
        layers.LSTMCell(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.GRUCell(2, dropout=1.5)


def test_simple_rnn_cell_refuses_a_recurrent_activation_it_would_not_use():
    with pytest.raises(TypeError, match="recurrent_activation='relu'"):
        layers.SimpleRNNCell(3, recurrent_activation="relu")
