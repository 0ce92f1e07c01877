import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

from custom_dense_layer import CustomDense


def twin_dense(custom, activation=None):
    """A minikeras Dense with the custom layer's weights."""
    dense = layers.Dense(custom.units, activation=activation)
    dense.build((None, custom.kernel.shape[0]))
    dense.set_weights(custom.get_weights())
    return dense


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_weights_are_created_at_the_first_call():
    layer = CustomDense(4)
    assert not layer.built and layer.weights == []
    layer(np.ones((2, 7), "float32"))
    assert layer.built
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(7, 4), (4,)]
    assert layer.kernel.shape == (7, 4) and layer.bias.shape == (4,)
    assert layer.count_params() == 32


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_outputs_match_layers_dense():
    rng = np.random.default_rng(0)
    for activation, shape in ((None, (5, 3)), ("relu", (2, 4, 3)), ("sigmoid", (6, 3))):
        layer = CustomDense(6, activation=activation)
        x = rng.normal(size=shape).astype("float32")
        y = layer(x)
        want = twin_dense(layer, activation)(x)
        np.testing.assert_allclose(np.asarray(y), np.asarray(want), rtol=1e-5, atol=1e-6)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, CustomDense(10)(inputs))
    assert model.output_shape == (None, 10) and model.count_params() == 50


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_gradients_match_layers_dense():
    rng = np.random.default_rng(1)
    layer = CustomDense(3, activation="tanh")
    x = ops.convert_to_tensor(rng.normal(size=(4, 5)).astype("float32"))
    layer(x)
    dense = twin_dense(layer, "tanh")
    grads = []
    for l in (layer, dense):
        with keras.GradientTape() as tape:
            tape.watch(x)
            loss = ops.sum(ops.square(l(x)))
        grads.append([g.numpy() for g in tape.gradient(loss, [x] + l.trainable_weights)])
    for got, want in zip(*grads):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_config_round_trip_through_a_model():
    inputs = keras.Input((4,))
    outputs = CustomDense(10, activation="relu", name="my_dense")(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    layer = new_model.get_layer("my_dense")
    assert isinstance(layer, CustomDense)
    assert layer.units == 10 and layer.activation is keras.activations.relu
    assert new_model.count_params() == 50
