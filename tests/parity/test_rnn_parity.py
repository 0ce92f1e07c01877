"""Parity of the generic ``RNN`` layer and its cells with Keras 3 (torch backend), beyond the
layer registry's cases (tests/saving/test_serialization.py): stacked cells' nested final
states, masks from an Embedding, initial states, a user's own cell, and a training step.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_rnn_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

X = np.random.default_rng(0).normal(size=(3, 6, 4)).astype("float32")


def _pair(build):
    models = [build(lib) for lib in (minikeras, keras)]
    weights = [np.random.default_rng(1).normal(size=w.shape).astype("float32") * 0.5
               for w in models[0].get_weights()]
    for m in models:
        m.set_weights(weights)
    return models


def _same(a, b):
    a, b = minikeras.tree.flatten(a), keras.tree.flatten(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x), keras.ops.convert_to_numpy(y), rtol=1e-5, atol=1e-6)


def test_stacked_cells_return_nested_states_like_keras():
    def build(lib):
        x = lib.Input((6, 4))
        cells = [lib.layers.GRUCell(3), lib.layers.LSTMCell(2), lib.layers.SimpleRNNCell(2)]
        return lib.Model(x, lib.layers.RNN(cells, return_state=True, return_sequences=True)(x))
    ours, theirs = _pair(build)
    _same(ours.predict(X, verbose=0), theirs.predict(X, verbose=0))


@pytest.mark.parametrize("zero_output", [False, True])
def test_masks_from_an_embedding_like_keras(zero_output):
    def build(lib):
        ids = lib.Input((7,), dtype="int32")
        embedded = lib.layers.Embedding(10, 4, mask_zero=True)(ids)
        return lib.Model(ids, lib.layers.RNN(lib.layers.LSTMCell(3), return_sequences=True,
                                             zero_output_for_mask=zero_output)(embedded))
    ours, theirs = _pair(build)
    ids = np.array([[3, 5, 7, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7], [9, 0, 0, 0, 0, 0, 0]], "int32")
    _same(ours.predict(ids, verbose=0), theirs.predict(ids, verbose=0))


def test_initial_states_as_inputs_like_keras():
    def build(lib):
        x, h, c = lib.Input((6, 4)), lib.Input((3,)), lib.Input((3,))
        out = lib.layers.RNN(lib.layers.LSTMCell(3), go_backwards=True)(x, initial_state=[h, c])
        return lib.Model([x, h, c], out)
    ours, theirs = _pair(build)
    states = [np.random.default_rng(s).normal(size=(3, 3)).astype("float32") for s in (2, 3)]
    _same(ours.predict([X] + states, verbose=0), theirs.predict([X] + states, verbose=0))


def _minimal_cell(lib):
    class MinimalRNNCell(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states):
            output = lib.ops.tanh(lib.ops.matmul(inputs, self.kernel) + lib.ops.matmul(states[0], self.recurrent_kernel))
            return output, [output]
    return MinimalRNNCell


def test_a_users_cell_and_a_training_step_like_keras():
    def build(lib):
        x = lib.Input((6, 4))
        return lib.Model(x, lib.layers.RNN(_minimal_cell(lib)(3), return_sequences=True)(x))
    ours, theirs = _pair(build)
    _same(ours.predict(X, verbose=0), theirs.predict(X, verbose=0))
    target = np.random.default_rng(4).normal(size=(3, 6, 3)).astype("float32")
    ours.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours.train_on_batch(X, target)
    theirs.train_on_batch(X, target)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
