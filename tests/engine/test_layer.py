"""Layer: Input and automatic names, calling a layer on tensors or arrays, its checks, its weights."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def test_input_rejects_non_integer_shapes():
    with pytest.raises(TypeError, match=r"shape=\(10,\)"):
        Input(shape=10)
    with pytest.raises(TypeError, match="non-negative integer"):
        Input(shape=(2.5, 3))
    with pytest.raises(ValueError, match="shape"):
        Input()


def test_automatic_names_follow_keras_2_and_reset():
    x = Input((4, 4, 1))
    assert x._keras_history.layer.name == "input_1"
    assert layers.MaxPooling2D()(x)._keras_history.layer.name == "max_pooling2d_1"
    d1, d2 = Dense(1), Dense(1)
    assert (d1.name, d2.name) == ("dense_1", "dense_2")
    assert layers.Conv2DTranspose(2, 3).name == "conv2d_transpose_1"
    assert layers.TimeDistributed(Dense(1)).name == "time_distributed_1"
    assert Model(x, x).name == "model_1"
    assert Sequential().name == "sequential_1"
    keras.backend.clear_session()
    assert Dense(1).name == "dense_1" and Input((1,))._keras_history.layer.name == "input_1"


def test_incompatible_input_names_layer_expected_and_received():
    x = Input((10,))
    with pytest.raises(ValueError, match=r"conv2d_1.*expected ndim=4, found ndim=2.*\(None, 10\)"):
        layers.Conv2D(4, 3)(x)
    dense = Dense(2)
    dense(x)
    with pytest.raises(ValueError, match=r"dense_1.*axis -1.*value 10.*\(None, 5\)"):
        dense(Input((5,)))


def test_batch_axis_in_input_shape_gets_a_hint():
    x = Input((60000, 28, 28, 1))
    with pytest.raises(ValueError, match="batch size in `input_shape`"):
        layers.Conv2D(4, 3)(x)


def test_layer_called_on_arrays_runs_eagerly():
    dense = Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    out = dense(np.ones((3, 4), dtype="float32"))
    np.testing.assert_allclose(np.asarray(out), np.full((3, 2), 4.0))


def test_mixing_symbolic_and_arrays_is_an_error():
    with pytest.raises(ValueError, match="mix of symbolic"):
        layers.add([Input((2,)), np.ones((1, 2))])


def test_unknown_keyword_argument():
    with pytest.raises(TypeError, match="Keyword argument not understood: 'unit'"):
        Dense(2, unit=3)


def test_weights_order_shapes_and_set_weights_errors():
    x = Input((3,))
    model = Model(x, layers.BatchNormalization()(Dense(4)(x)))
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4,), (4,), (4,), (4,)]
    assert [w.name for w in model.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert model.count_params() == 16 + 16
    with pytest.raises(ValueError, match=r"dense_1 weight 'kernel' has shape \(3, 4\).*\(4, 3\)"):
        model.layers[1].set_weights([np.zeros((4, 3)), np.zeros(4)])
    with pytest.raises(ValueError, match="expects 2 weight arrays"):
        model.layers[1].set_weights([np.zeros((3, 4))])
    # on the model, the message names the layer the misshapen weight belongs to
    bad = model.get_weights()
    bad[2] = np.zeros(5)
    with pytest.raises(ValueError, match=r"Layer model_1 weight 'gamma' of layer 'batch_normalization_1' "
                                         r"\(weights\[2\]\) has shape \(4,\), but the array provided has shape \(5,\)"):
        model.set_weights(bad)


def test_frozen_layer_moves_weights_to_non_trainable():
    x = Input((3,))
    dense = Dense(2)
    model = Model(x, dense(x))
    dense.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 2


def test_custom_layer_calling_other_layers_in_a_functional_model():
    """Seed 002's CustomRNN: a layer whose call() loops over time and calls Dense layers."""
    from minikeras import ops

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = 4
            self.projection_1 = Dense(self.units, activation="tanh")
            self.projection_2 = Dense(self.units, activation="tanh")
            self.classifier = Dense(1, activation="sigmoid")

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                y = self.projection_1(inputs[:, t, :]) + self.projection_2(state)
                state = y
                outputs.append(y)
            return self.classifier(ops.stack(outputs, axis=1))

    x = Input(batch_shape=(2, 5, 3))
    rnn = CustomRNN()
    model = Model(x, rnn(x))
    assert model.output_shape == (2, 5, 1)
    assert model.count_params() == (3 * 4 + 4) + (4 * 4 + 4) + (4 + 1)
    assert all(not l._inbound_nodes for l in (rnn.projection_1, rnn.classifier))
    assert model.predict(np.random.rand(2, 5, 3)).shape == (2, 5, 1)
