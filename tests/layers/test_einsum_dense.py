"""minikeras.layers.einsum_dense: kernel and bias shapes read off the equation (Keras's three
forms), the same outputs as a written-out einsum, Dense as a special case, the initializer's
fans over the kernel's axes, and errors. (Gradients: test_layer_gradients.py; Keras parity:
the layer registry in tests/saving/test_serialization.py.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.layers.einsum_dense import analyze_einsum


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape,kernel,bias,out", [
    ("ab,bc->ac", 6, "c", (None, 4), [4, 6], [6], [None, 6]),
    ("...b,bc->...c", 6, "c", (None, 5, 4), [4, 6], [6], [None, 5, 6]),
    ("abc,cde->abde", (5, 2, 3), "de", (None, 5, 4), [4, 2, 3], [2, 3], [None, 5, 2, 3]),
    ("abc,cde->abde", (5, 2, 3), "b", (None, 5, 4), [4, 2, 3], [5, 1, 1], [None, 5, 2, 3]),
    ("ab...,bc->ac...", 3, "c", (None, 4, 7), [4, 3], [3, 1], [None, 3, 7]),
    ("...b,bc->...c", 6, "c", (None, 2, 3, 4), [4, 6], [6], [None, 2, 3, 6]),   # elided axes keep their order
])
def test_shapes_from_the_equation(equation, output_shape, bias_axes, input_shape, kernel, bias, out):
    k, b, o, _, _ = analyze_einsum(equation, bias_axes, input_shape, output_shape, "layer")
    assert (k, b, o) == (kernel, bias, out)


def test_outputs_are_the_einsum_plus_bias():
    x = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    layer = layers.EinsumDense("abc,cde->abde", (5, 2, 3), bias_axes="de", bias_initializer="ones")
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out, np.einsum("abc,cde->abde", x, layer.kernel.value) + 1, rtol=1e-5, atol=1e-6)


def test_dense_is_a_special_case():
    x = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    einsum = layers.EinsumDense("ab,bc->ac", 5, bias_axes="c", activation="relu")
    dense = layers.Dense(5, activation="relu")
    einsum(x), dense(x)
    dense.set_weights(einsum.get_weights())
    np.testing.assert_allclose(np.asarray(einsum(x)), np.asarray(dense(x)), rtol=1e-6)


def test_glorot_fans_count_the_kernels_input_and_output_axes():
    keras.utils.set_random_seed(0)
    layer = layers.EinsumDense("abc,cde->abde", (5, 20, 30), kernel_initializer="glorot_uniform")
    layer(np.zeros((1, 5, 40), "float32"))
    kernel = layer.kernel.value
    limit = np.sqrt(6 / (40 + 20 * 30))   # fan_in 40, fan_out 600 (a conv count would differ)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit


def test_config_round_trip_and_errors():
    layer = layers.EinsumDense("...b,bc->...c", 6, bias_axes="c", name="proj")
    clone = layers.EinsumDense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="proj2: invalid einsum equation"):
        layers.EinsumDense("ab->b", 3, name="proj2")(np.zeros((1, 2), "float32"))
    with pytest.raises(ValueError, match="bias dimension 'z'"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="z")(np.zeros((1, 2), "float32"))
    with pytest.raises(ValueError, match="weight dimension 'q'"):
        layers.EinsumDense("ab,bq->ab", 2)(np.zeros((1, 2), "float32"))
    with pytest.raises(ValueError, match="lora_rank"):
        layers.EinsumDense("ab,bc->ac", 3, lora_rank=2)


def test_symbolic_shape_matches_the_eager_one_with_several_elided_axes():
    layer = layers.EinsumDense("...b,bc->...c", 6)
    assert layer(keras.Input((2, 3, 4))).shape == (None, 2, 3, 6)
    assert np.asarray(layer(np.zeros((1, 2, 3, 4), "float32"))).shape == (1, 2, 3, 6)


def test_activity_regularizer_is_applied_and_saved():
    layer = layers.EinsumDense("ab,bc->ac", 2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L2(0.5))
    layer(np.ones((1, 3), "float32"))   # each output is 3
    np.testing.assert_allclose([float(np.asarray(loss)) for loss in layer.losses], [0.5 * 2 * 9], rtol=1e-6)
    rebuilt = layers.EinsumDense.from_config(layer.get_config())
    assert isinstance(rebuilt.activity_regularizer, keras.regularizers.L2)


@pytest.mark.parametrize("equation,output_shape", [("ab...,bc->ac...", (3, 7)), ("abc,cde->abde", (2, 3)),
                                                   ("...b,bc->...c", (5, 6))])
def test_an_output_shape_with_the_wrong_number_of_axes_is_an_error(equation, output_shape):
    """Keras 3 accepts it and then states a symbolic shape that the outputs do not have."""
    with pytest.raises(ValueError, match="must give the .* output axes"):
        layers.EinsumDense(equation, output_shape)(keras.Input((4, 7)))
