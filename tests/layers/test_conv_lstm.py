"""minikeras.layers.conv_lstm: the ConvLSTM cell against a direct LSTM written with the
convolution layers, state shapes, masks and configs, and errors. (Gradients:
test_layer_gradients.py; Keras parity of outputs, a training step and files: the registry.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

X = np.random.default_rng(0).normal(size=(2, 3, 5, 5, 2)).astype("float32")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_conv_lstm2d_is_an_lstm_of_convolutions():
    layer = layers.ConvLSTM2D(3, 3, return_sequences=True)
    out = np.asarray(layer(X))
    kernel, recurrent, bias = (w.value for w in layer.weights)
    x_conv = layers.Conv2D(12, 3)
    h_conv = layers.Conv2D(12, 3, padding="same", use_bias=False)
    x_conv(X[:, 0]), h_conv(np.zeros((2, 3, 3, 3), "float32"))
    x_conv.set_weights([kernel, bias])
    h_conv.set_weights([recurrent])
    h = c = np.zeros((2, 3, 3, 3), "float32")
    for t in range(3):
        z = np.asarray(x_conv(X[:, t])) + np.asarray(h_conv(h))
        i, f, g, o = np.split(z, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        np.testing.assert_allclose(out[:, t], h, rtol=1e-5, atol=1e-5)
    assert layer.count_params() == 3 * 3 * 2 * 12 + 3 * 3 * 3 * 12 + 12


def test_states_shapes_and_the_forget_bias():
    layer = layers.ConvLSTM1D(4, 3, strides=2, return_state=True)
    out, h, c = layer(X[:, :, :, 0, :])
    assert out.shape == h.shape == c.shape == (2, 2, 4)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(h))
    np.testing.assert_array_equal(layer.cell.bias.value, [0] * 4 + [1] * 4 + [0] * 8)
    symbolic = layers.ConvLSTM3D(2, 2, return_sequences=True)(keras.Input((3, 4, 4, 4, 1)))
    assert tuple(symbolic.shape) == (None, 3, 3, 3, 3, 2)


def test_config_round_trip_and_errors():
    layer = layers.ConvLSTM2D(2, (3, 2), padding="same", go_backwards=True, unit_forget_bias=False, name="cl")
    layer(X)
    clone = layers.ConvLSTM2D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone(X)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(X)), np.asarray(layer(X)))
    with pytest.raises(ValueError, match="strides > 1.*dilation_rate > 1"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="dropout"):
        layers.ConvLSTM2D(2, 3, dropout=0.2)
    with pytest.raises(ValueError, match="channels_last"):
        layers.ConvLSTM1D(2, 3, data_format="channels_first")
    with pytest.raises(ValueError, match="filters"):
        layers.ConvLSTM3D(0, 3)


def test_activity_regularizer_penalizes_the_output_per_sample():
    layer = layers.ConvLSTM2D(2, 3, activity_regularizer=keras.regularizers.L2(0.1))
    out = np.asarray(layer(X))
    np.testing.assert_allclose([float(np.asarray(loss)) for loss in layer.losses],
                               [0.1 * np.sum(np.square(out)) / len(X)], rtol=1e-5)
    assert layers.ConvLSTM2D.from_config(layer.get_config()).activity_regularizer is not None
