"""Finite-difference gradient checks (float64) for every layer: inputs and weights,
plus shared layers (gradients of both calls add up) and nested models."""
import numpy as np
import pytest

from minikeras import layers, ops
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential
from tests.conftest import numeric_gradient


def check_layer_gradients(layer, *input_shapes, integer_input=None, training=None, rtol=1e-4, atol=1e-6):
    """d sum(layer(x) * W) / d(inputs and weights) by the tape, against central differences."""
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=s) for s in input_shapes]
    if integer_input is not None:
        xs = [rng.integers(0, integer_input, size=s) for s in input_shapes]
    call_kwargs = {} if training is None else {"training": training}

    def run(values):
        arg = values[0] if len(values) == 1 else list(values)
        return layer(arg, **call_kwargs)

    out = run([ops.convert_to_tensor(x) for x in xs])
    outs = out if isinstance(out, list) else [out]
    weights_out = [rng.normal(size=np.shape(np.asarray(o))) for o in outs]

    def loss():
        result = run([ops.convert_to_tensor(x) for x in xs])
        result = result if isinstance(result, list) else [result]
        return float(sum(np.sum(np.asarray(r) * w) for r, w in zip(result, weights_out)))

    tensors = [ops.convert_to_tensor(x) for x in xs]
    with ops.GradientTape() as tape:
        if integer_input is None:
            tape.watch(tensors)
        result = run(tensors)
        result = result if isinstance(result, list) else [result]
        total = ops.sum(ops.multiply(result[0], weights_out[0]))
        for r, w in zip(result[1:], weights_out[1:]):
            total = ops.add(total, ops.sum(ops.multiply(r, w)))
    params = layer.trainable_weights
    grads = tape.gradient(total, (tensors if integer_input is None else []) + params)
    targets = ([x for x in xs] if integer_input is None else []) + [p.value for p in params]
    assert params or integer_input is None, "nothing to check"
    for target, grad in zip(targets, grads):
        expected = numeric_gradient(loss, target)
        assert grad is not None, "no gradient reached an input or a weight"
        np.testing.assert_allclose(np.asarray(grad), expected, rtol=rtol, atol=atol)


CASES = {
    "dense_relu": (lambda: Dense(3, activation="relu"), [(4, 5)]),
    "dense_softmax_3d": (lambda: Dense(3, activation="softmax"), [(2, 3, 5)]),
    "dense_elu_no_bias": (lambda: Dense(2, activation="elu", use_bias=False), [(3, 4)]),
    "activation": (lambda: layers.Activation("tanh"), [(3, 4)]),
    "einsum_dense": (lambda: layers.EinsumDense("abc,cde->abde", (3, 2, 2), bias_axes="de"), [(2, 3, 4)]),
    "einsum_dense_ellipsis": (lambda: layers.EinsumDense("...b,bc->...c", 3, bias_axes="c", activation="tanh"),
                              [(2, 2, 4)]),
    "einsum_dense_trailing": (lambda: layers.EinsumDense("ab...,bc->ac...", 3), [(2, 4, 2)]),
    "flatten": (lambda: layers.Flatten(), [(2, 3, 2)]),
    "reshape": (lambda: layers.Reshape((3, -1)), [(2, 6)]),
    "permute": (lambda: layers.Permute((2, 1)), [(2, 3, 4)]),
    "repeat_vector": (lambda: layers.RepeatVector(3), [(2, 4)]),
    "lambda": (lambda: layers.Lambda(lambda x: ops.square(x) * 2.0), [(2, 3)]),
    "conv1d_causal": (lambda: layers.Conv1D(3, 3, padding="causal", dilation_rate=2), [(2, 7, 2)]),
    "conv1d_strided": (lambda: layers.Conv1D(2, 2, strides=2, activation="sigmoid"), [(2, 6, 3)]),
    "conv2d_same": (lambda: layers.Conv2D(3, 3, padding="same", activation="relu"), [(2, 5, 5, 2)]),
    "conv2d_strided": (lambda: layers.Conv2D(2, (3, 2), strides=(2, 1)), [(1, 7, 5, 3)]),
    "conv2d_dilated": (lambda: layers.Conv2D(2, 3, dilation_rate=2), [(1, 7, 7, 2)]),
    "conv2d_groups": (lambda: layers.Conv2D(4, 3, groups=2), [(1, 5, 5, 4)]),
    "conv2d_transpose": (lambda: layers.Conv2DTranspose(2, 3, strides=2), [(1, 3, 3, 2)]),
    "conv2d_transpose_same": (lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                             activation="relu"), [(1, 3, 4, 2)]),
    "depthwise_conv2d": (lambda: layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), [(1, 4, 4, 2)]),
    "separable_conv2d": (lambda: layers.SeparableConv2D(3, 3), [(1, 5, 5, 2)]),
    "conv1d_transpose": (lambda: layers.Conv1DTranspose(2, 3, strides=2, activation="tanh"), [(2, 4, 3)]),
    "conv1d_transpose_same": (lambda: layers.Conv1DTranspose(2, 2, strides=3, padding="same"), [(1, 3, 2)]),
    "depthwise_conv1d": (lambda: layers.DepthwiseConv1D(3, depth_multiplier=2, padding="same"), [(2, 5, 2)]),
    "separable_conv1d": (lambda: layers.SeparableConv1D(3, 2, strides=2), [(2, 6, 2)]),
    "conv3d": (lambda: layers.Conv3D(2, (2, 3, 2), strides=(2, 1, 1), padding="same"), [(1, 3, 4, 3, 2)]),
    "conv3d_dilated": (lambda: layers.Conv3D(2, 2, dilation_rate=(2, 1, 1), activation="sigmoid"), [(1, 4, 3, 3, 2)]),
    "conv3d_transpose": (lambda: layers.Conv3DTranspose(2, (3, 2, 2), strides=(2, 1, 2)), [(1, 2, 2, 2, 2)]),
    "conv3d_transpose_same": (lambda: layers.Conv3DTranspose(2, 2, strides=2, padding="same"), [(1, 2, 2, 2, 1)]),
    "max_pooling3d": (lambda: layers.MaxPooling3D(2, padding="same"), [(1, 3, 4, 3, 2)]),
    "average_pooling3d": (lambda: layers.AveragePooling3D((2, 2, 1), strides=1), [(1, 3, 3, 2, 2)]),
    "global_max_pooling3d": (lambda: layers.GlobalMaxPooling3D(), [(2, 2, 3, 2, 2)]),
    "global_average_pooling3d": (lambda: layers.GlobalAveragePooling3D(), [(2, 2, 3, 2, 2)]),
    "upsampling3d": (lambda: layers.UpSampling3D((2, 1, 2)), [(1, 2, 2, 2, 2)]),
    "zero_padding3d": (lambda: layers.ZeroPadding3D(((1, 0), (0, 1), (1, 1))), [(1, 2, 2, 2, 2)]),
    "cropping3d": (lambda: layers.Cropping3D(((1, 0), (0, 1), (1, 1))), [(1, 3, 3, 4, 2)]),
    "adaptive_average_pooling1d": (lambda: layers.AdaptiveAveragePooling1D(3), [(2, 7, 2)]),
    "adaptive_average_pooling2d": (lambda: layers.AdaptiveAveragePooling2D((2, 3)), [(1, 5, 5, 2)]),
    "adaptive_max_pooling1d": (lambda: layers.AdaptiveMaxPooling1D(3), [(2, 7, 2)]),
    "adaptive_max_pooling3d": (lambda: layers.AdaptiveMaxPooling3D(2), [(1, 3, 4, 3, 2)]),
    "rnn_simple_cell": (lambda: layers.RNN(layers.SimpleRNNCell(3), return_sequences=True), [(2, 4, 3)]),
    "rnn_lstm_cell_backwards": (lambda: layers.RNN(layers.LSTMCell(2), go_backwards=True), [(2, 4, 3)]),
    "rnn_gru_cell": (lambda: layers.RNN(layers.GRUCell(2), return_state=True), [(2, 4, 3)]),
    "rnn_gru_cell_reset_before": (lambda: layers.RNN(layers.GRUCell(2, reset_after=False)), [(2, 4, 3)]),
    "rnn_stacked_cells": (lambda: layers.RNN([layers.SimpleRNNCell(3), layers.LSTMCell(2)], return_sequences=True),
                          [(2, 3, 2)]),
    "conv_lstm1d": (lambda: layers.ConvLSTM1D(2, 2, padding="same", return_sequences=True), [(1, 3, 4, 2)]),
    "conv_lstm2d": (lambda: layers.ConvLSTM2D(2, 2, strides=2), [(1, 2, 4, 4, 1)]),
    "conv_lstm3d": (lambda: layers.ConvLSTM3D(1, 2, return_state=True), [(1, 2, 3, 3, 2, 1)]),
    "max_pooling1d": (lambda: layers.MaxPooling1D(2), [(2, 6, 3)]),
    "max_pooling2d": (lambda: layers.MaxPooling2D(2), [(2, 4, 4, 3)]),
    "max_pooling2d_same": (lambda: layers.MaxPooling2D(3, strides=2, padding="same"), [(1, 5, 5, 2)]),
    "average_pooling1d": (lambda: layers.AveragePooling1D(3, strides=1), [(2, 5, 2)]),
    "average_pooling2d_same": (lambda: layers.AveragePooling2D(2, padding="same"), [(1, 5, 5, 2)]),
    "global_max_pooling1d": (lambda: layers.GlobalMaxPooling1D(), [(2, 5, 3)]),
    "global_max_pooling2d": (lambda: layers.GlobalMaxPooling2D(), [(2, 3, 3, 2)]),
    "global_average_pooling2d": (lambda: layers.GlobalAveragePooling2D(keepdims=True), [(2, 3, 3, 2)]),
    "global_average_pooling1d": (lambda: layers.GlobalAveragePooling1D(), [(2, 4, 3)]),
    "up_sampling1d": (lambda: layers.UpSampling1D(2), [(2, 3, 2)]),
    "up_sampling2d": (lambda: layers.UpSampling2D((2, 3)), [(1, 2, 2, 2)]),
    "zero_padding1d": (lambda: layers.ZeroPadding1D((1, 2)), [(2, 3, 2)]),
    "zero_padding2d": (lambda: layers.ZeroPadding2D(((1, 0), (2, 1))), [(1, 2, 3, 2)]),
    "cropping1d": (lambda: layers.Cropping1D((1, 1)), [(2, 5, 2)]),
    "cropping2d": (lambda: layers.Cropping2D(((1, 0), (0, 2))), [(1, 4, 5, 2)]),
    "batch_norm_training": (lambda: layers.BatchNormalization(), [(6, 3)], True),
    "batch_norm_inference_4d": (lambda: layers.BatchNormalization(), [(2, 3, 3, 2)], False),
    "layer_norm": (lambda: layers.LayerNormalization(), [(3, 5)]),
    "relu_options": (lambda: layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), [(3, 5)]),
    "leaky_relu": (lambda: layers.LeakyReLU(0.2), [(3, 4)]),
    "prelu": (lambda: layers.PReLU(alpha_initializer="ones"), [(3, 4)]),
    "elu": (lambda: layers.ELU(0.5), [(3, 4)]),
    "softmax": (lambda: layers.Softmax(), [(3, 4)]),
    "simple_rnn": (lambda: layers.SimpleRNN(3, return_sequences=True), [(2, 4, 3)]),
    "lstm": (lambda: layers.LSTM(3), [(2, 4, 2)]),
    "lstm_sequences_backwards": (lambda: layers.LSTM(2, return_sequences=True, go_backwards=True), [(2, 3, 2)]),
    "lstm_state": (lambda: layers.LSTM(2, return_state=True), [(2, 3, 2)]),
    "gru_reset_after": (lambda: layers.GRU(3), [(2, 4, 2)]),
    "gru_reset_before": (lambda: layers.GRU(3, reset_after=False, return_sequences=True), [(2, 4, 2)]),
    "bidirectional": (lambda: layers.Bidirectional(layers.LSTM(2, return_sequences=True)), [(2, 3, 2)]),
    "time_distributed": (lambda: layers.TimeDistributed(Dense(2, activation="tanh")), [(2, 3, 4)]),
    "add": (lambda: layers.Add(), [(2, 3), (2, 3)]),
    "subtract": (lambda: layers.Subtract(), [(2, 3), (2, 3)]),
    "multiply": (lambda: layers.Multiply(), [(2, 3), (2, 3)]),
    "average": (lambda: layers.Average(), [(2, 3), (2, 3), (2, 3)]),
    "maximum": (lambda: layers.Maximum(), [(2, 3), (2, 3)]),
    "minimum": (lambda: layers.Minimum(), [(2, 3), (2, 3)]),
    "concatenate": (lambda: layers.Concatenate(axis=1), [(2, 3, 2), (2, 1, 2)]),
    "dot": (lambda: layers.Dot(axes=1), [(2, 3), (2, 3)]),
    "dot_normalized": (lambda: layers.Dot(axes=(2, 2), normalize=True), [(2, 3, 4), (2, 2, 4)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layer_gradients(name, float64):
    make, shapes, *training = CASES[name]
    check_layer_gradients(make(), *shapes, training=training[0] if training else None)


def test_embedding_gradients(float64):
    check_layer_gradients(layers.Embedding(7, 3), (2, 4), integer_input=7)


def test_dropout_gradient_in_training(float64):
    layer = layers.Dropout(0.5)
    x = ops.convert_to_tensor(np.ones((4, 50)))
    with ops.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        total = ops.sum(y)
    grad = np.asarray(tape.gradient(total, x))
    np.testing.assert_allclose(grad, np.asarray(y))  # the gradient is the mask scaled by 2
    assert set(np.unique(grad)) <= {0.0, 2.0}
    np.testing.assert_array_equal(np.asarray(layer(x)), np.asarray(x))  # inference: identity


def test_shared_layer_gradients_add_up(float64):
    shared = Dense(2)
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], layers.add([shared(a), shared(b)]))
    check_layer_gradients(model, (4, 3), (4, 3))


def test_nested_model_gradients(float64):
    inner_in = Input((3,))
    inner = Model(inner_in, Dense(4, activation="tanh")(inner_in))
    x = Input((3,))
    outer = Model(x, Dense(2)(inner(x)))
    check_layer_gradients(outer, (5, 3))


def test_sequential_gradients(float64):
    model = Sequential([Dense(4, activation="sigmoid", input_shape=(3,)), Dense(2)])
    check_layer_gradients(model, (5, 3))


def test_custom_layer_with_ops_trains_without_backward_code(float64):
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    check_layer_gradients(CustomDense(3), (4, 2))
