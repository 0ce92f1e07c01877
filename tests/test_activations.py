"""minikeras.activations: every activation by name, differentiable (float64 central differences
through the ops suite's helper), usable in a layer, and serialized by name. (Values against
real Keras are in tests/parity/test_activations_parity.py.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import activations, ops
from tests.ops.test_numpy import check_gradients

# name -> the activation with non-default arguments where it has any (defaults are checked by name)
WITH_ARGUMENTS = {
    "celu": lambda x: activations.celu(x, alpha=0.5),
    "glu": lambda x: activations.glu(x, axis=0),
    "hard_shrink": lambda x: activations.hard_shrink(x, threshold=0.3),
    "soft_shrink": lambda x: activations.soft_shrink(x, threshold=0.3),
    "sparsemax": lambda x: activations.sparsemax(x, axis=0),
    "squareplus": lambda x: activations.squareplus(x, b=1.0),
    "threshold": lambda x: activations.threshold(x, 0.2, -1.5),
}
ADDED = ["celu", "glu", "hard_shrink", "hard_silu", "hard_swish", "hard_tanh", "log_sigmoid", "mish",
         "soft_shrink", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink"]


@pytest.mark.parametrize("name", ADDED)
def test_gradients_by_name(name, float64):
    check_gradients(activations.get(name), (4, 6), atol=1e-6)


@pytest.mark.parametrize("name", sorted(WITH_ARGUMENTS))
def test_gradients_with_arguments(name, float64):
    check_gradients(WITH_ARGUMENTS[name], (4, 6), atol=1e-6)


def test_mish_is_x_tanh_softplus_and_stable():
    x = np.array([-100.0, -2.0, 0.0, 0.5, 3.0, 100.0], "float32")
    expected = x * np.tanh(np.log1p(np.exp(np.clip(x, -50, 50))))
    expected[-1] = 100.0
    np.testing.assert_allclose(np.asarray(activations.mish(x)), expected, rtol=1e-6, atol=1e-6)
    assert np.asarray(activations.mish(x)).dtype == np.float32


def test_formulas_at_chosen_points():
    x = np.array([-2.0, -0.75, -0.25, 0.25, 0.75, 2.0], "float32")
    np.testing.assert_allclose(np.asarray(activations.hard_shrink(x)), [-2, -0.75, 0, 0, 0.75, 2])
    np.testing.assert_allclose(np.asarray(activations.soft_shrink(x)), [-1.5, -0.25, 0, 0, 0.25, 1.5])
    np.testing.assert_allclose(np.asarray(activations.threshold(x, 0.5, 9.0)), [9, 9, 9, 9, 0.75, 2])
    np.testing.assert_allclose(np.asarray(activations.sparse_sigmoid(x)), [0, 0.125, 0.375, 0.625, 0.875, 1])
    np.testing.assert_allclose(np.asarray(activations.sparse_plus(x)), [0, 0.015625, 0.140625, 0.390625, 0.765625, 2])
    np.testing.assert_allclose(np.asarray(activations.hard_tanh(x)), [-1, -0.75, -0.25, 0.25, 0.75, 1])
    np.testing.assert_allclose(np.asarray(activations.squareplus(x, b=0)), np.maximum(x, 0))
    a, b = x[:3], x[3:]
    np.testing.assert_allclose(np.asarray(activations.glu(x)), a / (1 + np.exp(-b)), rtol=1e-6)
    assert activations.hard_swish is activations.hard_silu


def test_sparsemax_is_the_projection_onto_the_simplex():
    x = np.random.default_rng(3).normal(size=(5, 7)).astype("float32") * 2
    p = np.asarray(activations.sparsemax(x))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-6)
    assert (p >= 0).all() and (p == 0).any()
    # on its support, p = x - tau with one tau per row
    for row_x, row_p in zip(x, p):
        tau = row_x[row_p > 0] - row_p[row_p > 0]
        np.testing.assert_allclose(tau, tau[0], atol=1e-6)
        assert (row_x[row_p == 0] <= tau[0] + 1e-6).all()


def test_symbolic_shapes():
    t = keras.Input((6,))
    for name in ADDED:
        out = activations.get(name)(t)
        assert tuple(out.shape) == ((None, 3) if name == "glu" else (None, 6)), name


@pytest.mark.parametrize("name", ["mish", "celu", "hard_silu", "sparsemax", "log_sigmoid"])
def test_by_name_in_a_layer_and_its_config(name):
    x = keras.Input((4,))
    model = keras.Model(x, keras.layers.Dense(3, activation=name)(x))
    assert model.layers[-1].get_config()["activation"] == name
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    data = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    np.testing.assert_array_equal(clone.predict(data, verbose=0), model.predict(data, verbose=0))


def test_serialize_and_deserialize():
    for name in ADDED + ["relu", "softmax"]:
        fn = activations.get(name)
        assert activations.serialize(fn) in (name, "hard_silu")
        assert activations.deserialize(activations.serialize(fn)) is fn
    as_dict = {"module": "keras.activations", "class_name": "function", "config": "mish",
               "registered_name": "function"}
    assert activations.deserialize(as_dict) is activations.mish

    def double(x):
        return x * 2.0
    assert activations.deserialize("double", custom_objects={"double": double}) is double
    registered = keras.saving.register_keras_serializable("my")(double)
    try:
        assert activations.deserialize({"class_name": "function", "config": "my>double"}) is registered
        x = keras.Input((2,))
        layer = keras.layers.Dense(2, activation=double)
        clone = keras.Model.from_config(keras.Model(x, layer(x)).get_config())
        assert clone.layers[-1].activation is double
    finally:
        keras.saving.get_custom_objects().pop("my>double")


def test_deserialize_errors_name_what_it_received():
    with pytest.raises(ValueError, match="unknown activation 'nope'"):
        activations.deserialize("nope")
    with pytest.raises(ValueError, match="expected an activation's name"):
        activations.deserialize({"class_name": "Dense", "config": {}})
    with pytest.raises(ValueError, match="expected an activation's name"):
        activations.deserialize(3)
    with pytest.raises(ValueError, match="even size"):
        activations.glu(ops.ones((2, 3)))
