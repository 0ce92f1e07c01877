import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

from custom_dense_layer import CustomDense
from probes_ch15 import custom_dense_config_round_trip, custom_dense_model, gradients


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
    # A model around your layer is built next to your code (probes_ch15.py).
    x = rng.normal(size=(3, 4)).astype("float32")
    model = custom_dense_model(10, 4, x)
    assert model["output_shape"] == (None, 10) and model["count_params"] == 50
    kernel, bias = model["weights"]
    np.testing.assert_allclose(model["y"], x @ kernel + bias, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_gradients_match_layers_dense():
    rng = np.random.default_rng(1)
    layer = CustomDense(3, activation="tanh")
    x = rng.normal(size=(4, 5)).astype("float32")
    layer(x)
    # The tape runs next to your layer (probes_ch15.py); here, the same on a Dense twin
    # with the weights your layer used.
    got = gradients(layer, x)
    dense = layers.Dense(3, activation="tanh")
    dense.build((None, 5))
    dense.set_weights(got["weights"])
    tx = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(tx)
        loss = ops.sum(ops.square(dense(tx)))
    want = [g.numpy() for g in tape.gradient(loss, [tx] + dense.trainable_weights)]
    assert len(got["grads"]) == len(want) == 3
    for g, w in zip(got["grads"], want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_config_round_trip_through_a_model():
    # get_config / from_config run next to your class (probes_ch15.py).
    x = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    got = custom_dense_config_round_trip(x)
    assert got["class"] == "CustomDense" and got["is_custom_dense"]
    assert got["units"] == 10 and got["activation_is_relu"]
    assert got["count_params"] == 50
    kernel, bias = got["weights"]
    np.testing.assert_allclose(got["y"], np.maximum(x @ kernel + bias, 0), rtol=1e-5, atol=1e-6)
