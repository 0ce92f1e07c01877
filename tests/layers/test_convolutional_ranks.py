"""minikeras.layers.convolutional: the 1-D and 3-D layers built on the 2-D kernels, against
direct loops over the definition (float64), their weights' shapes and errors. Gradients are in
test_layer_gradients.py, Keras parity in tests/parity/test_layer_parity.py."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.kernels.conv_geometry import conv_padding


def conv3d_reference(x, kernel, strides, padding, dilation):
    spatial = x.shape[1:4]
    pads = [conv_padding(n, k, s, d, padding) for n, k, s, d in zip(spatial, kernel.shape[:3], strides, dilation)]
    x = np.pad(x, ((0, 0),) + tuple(pads) + ((0, 0),))
    eff = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:3], dilation)]
    counts = [(n - e) // s + 1 for n, e, s in zip(x.shape[1:4], eff, strides)]
    out = np.zeros((x.shape[0],) + tuple(counts) + (kernel.shape[-1],))
    for index in np.ndindex(*counts):
        box = tuple(slice(t * s, t * s + e, d) for t, s, e, d in zip(index, strides, eff, dilation))
        out[(slice(None),) + index] = np.einsum("bijkc,ijkcf->bf", x[(slice(None),) + box], kernel)
    return out


def conv3d_transpose_reference(x, kernel, strides, out_shape, padding, dilation):
    """Scatter every input cell times the kernel into the full output, then cut TensorFlow's padding."""
    ks = kernel.shape[:3]
    full = [(n - 1) * s + (k - 1) * d + 1 for n, s, k, d in zip(x.shape[1:4], strides, ks, dilation)]
    big = np.zeros((x.shape[0],) + tuple(max(f, o + 10) for f, o in zip(full, out_shape)) + (kernel.shape[3],))
    for index in np.ndindex(*x.shape[1:4]):
        for tap in np.ndindex(*ks):
            pos = tuple(t * s + k * d for t, s, k, d in zip(index, strides, tap, dilation))
            big[(slice(None),) + pos] += x[(slice(None),) + index] @ kernel[tap].T
    before = [conv_padding(o, k, s, d, padding)[0] for o, k, s, d in zip(out_shape, ks, strides, dilation)]
    return big[(slice(None),) + tuple(slice(b, b + o) for b, o in zip(before, out_shape))]


@pytest.mark.parametrize("kwargs", [dict(kernel_size=3), dict(kernel_size=(2, 3, 2), strides=(2, 1, 2), padding="same"),
                                    dict(kernel_size=2, dilation_rate=(2, 1, 2), padding="same")])
def test_conv3d_is_the_definition(kwargs, float64):
    x = np.random.default_rng(0).normal(size=(2, 5, 4, 6, 3))
    layer = layers.Conv3D(4, use_bias=False, **kwargs)
    got = np.asarray(layer(x))
    expected = conv3d_reference(x, layer.kernel.value, layer.strides, layer.padding, layer.dilation_rate)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    assert got.shape == layer.compute_output_shape(x.shape)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=3, strides=2), dict(kernel_size=(2, 3, 2), strides=(3, 1, 2), padding="same"),
                                    dict(kernel_size=3, strides=2, output_padding=1),
                                    dict(kernel_size=2, dilation_rate=(2, 1, 1))])
def test_conv3d_transpose_is_the_definition(kwargs, float64):
    x = np.random.default_rng(1).normal(size=(2, 3, 2, 3, 2))
    layer = layers.Conv3DTranspose(3, use_bias=False, **kwargs)
    got = np.asarray(layer(x))
    expected = conv3d_transpose_reference(x, layer.kernel.value, layer.strides, got.shape[1:4], layer.padding,
                                          layer.dilation_rate)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)
    assert got.shape == layer.compute_output_shape(x.shape)


def test_1d_layers_equal_their_2d_counterparts_over_a_height_of_1():
    x = np.random.default_rng(2).normal(size=(2, 7, 3)).astype("float32")
    pairs = [(layers.Conv1DTranspose(2, 3, strides=2, padding="same"), layers.Conv2DTranspose(2, (1, 3), (1, 2), padding="same")),
             (layers.DepthwiseConv1D(3, depth_multiplier=2), layers.DepthwiseConv2D((1, 3), depth_multiplier=2)),
             (layers.SeparableConv1D(4, 3, strides=2), layers.SeparableConv2D(4, (1, 3), strides=(1, 2)))]
    for one, two in pairs:
        out1 = np.asarray(one(x))
        two(x[:, None])
        two.set_weights([w.reshape(w2.shape) for w, w2 in zip(one.get_weights(), two.get_weights())])
        np.testing.assert_allclose(out1, np.asarray(two(x[:, None]))[:, 0], rtol=1e-6, atol=1e-6)


def test_weight_shapes_and_parameter_counts_are_keras():
    def built(layer, shape):
        keras.Model(*(lambda x: (x, layer(x)))(keras.Input(shape)))
        return [tuple(w.shape) for w in layer.weights], layer.count_params()
    assert built(layers.Conv1DTranspose(2, 3), (5, 3)) == ([(3, 2, 3), (2,)], 20)
    assert built(layers.DepthwiseConv1D(3, depth_multiplier=2), (6, 3)) == ([(3, 3, 2), (6,)], 24)
    assert built(layers.SeparableConv1D(4, 3), (6, 3)) == ([(3, 3, 1), (1, 3, 4), (4,)], 25)
    assert built(layers.Conv3D(2, 3, groups=1), (5, 5, 5, 3)) == ([(3, 3, 3, 3, 2), (2,)], 164)
    assert built(layers.Conv3DTranspose(2, 3), (3, 3, 3, 3)) == ([(3, 3, 3, 2, 3), (2,)], 164)


def test_unknown_depth_in_the_graph_is_known_when_run():
    x = keras.Input((None, 4, 4, 2))
    layer = layers.Conv3D(3, 2, padding="same")
    model = keras.Model(x, layer(x))
    data = np.random.default_rng(3).normal(size=(1, 5, 4, 4, 2)).astype("float32")
    assert model.predict(data, verbose=0).shape == (1, 5, 4, 4, 3)


def test_aliases_and_errors():
    assert layers.Convolution3D is layers.Conv3D and layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    with pytest.raises(ValueError, match="'causal'"):
        layers.Conv1DTranspose(2, 3, padding="causal")
    with pytest.raises(ValueError, match="conv3d_x.*known"):
        layers.Conv3D(2, 2, name="conv3d_x").call(keras.Input((None, 4, 4, 2)))
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv3D(2, (2, 2))


@pytest.mark.parametrize("make", [lambda: layers.Conv1DTranspose(4, 2, groups=2),
                                  lambda: layers.Conv2DTranspose(4, 2, groups=2),
                                  lambda: layers.Conv3DTranspose(4, 2, groups=2),
                                  lambda: layers.DepthwiseConv1D(2, groups=2),
                                  lambda: layers.DepthwiseConv2D(2, groups=2),
                                  lambda: layers.SeparableConv1D(4, 2, groups=2),
                                  lambda: layers.SeparableConv2D(4, 2, groups=2)])
def test_groups_is_refused_where_keras_has_no_such_argument(make):
    """Their kernels have no groups: the argument would be accepted and ignored."""
    with pytest.raises(TypeError, match="takes no `groups` argument.*received groups=2"):
        make()
