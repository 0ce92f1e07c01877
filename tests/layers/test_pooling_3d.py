"""minikeras.layers.pooling: 3-D pooling (separable: 2-D, then along the depth) against a direct
window-by-window definition, with TensorFlow's 'same' padding (windows clipped to the input,
averages over the cells inside); adaptive pooling's windows; errors. Gradients are in
test_layer_gradients.py, Keras parity in tests/parity/test_layer_parity.py."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.kernels.conv_geometry import conv_padding


def windows_reference(x, pool, strides, padding, reduce):
    spatial = x.shape[1:-1]
    pads = [conv_padding(n, p, s, 1, padding) for n, p, s in zip(spatial, pool, strides)]
    counts = [(n + a + b - p) // s + 1 for n, (a, b), p, s in zip(spatial, pads, pool, strides)]
    out = np.zeros((x.shape[0],) + tuple(counts) + (x.shape[-1],), x.dtype)
    for index in np.ndindex(*counts):
        box = tuple(slice(max(t * s - a, 0), min(t * s - a + p, n))
                    for t, s, (a, _), p, n in zip(index, strides, pads, pool, spatial))
        out[(slice(None),) + index] = reduce(x[(slice(None),) + box], axis=(1, 2, 3))
    return out


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool,strides", [((2, 2, 2), (2, 2, 2)), ((3, 2, 2), (2, 1, 2)), ((2, 3, 1), (1, 2, 1))])
def test_3d_pooling_is_the_window_definition(pool, strides, padding):
    x = np.random.default_rng(0).normal(size=(2, 5, 4, 5, 3)).astype("float32")
    for layer, reduce in ((layers.MaxPooling3D(pool, strides, padding=padding), np.max),
                          (layers.AveragePooling3D(pool, strides, padding=padding), np.mean)):
        got = np.asarray(layer(x))
        np.testing.assert_allclose(got, windows_reference(x, pool, strides, padding, reduce), rtol=1e-6, atol=1e-6)
        assert got.shape == layer.compute_output_shape(x.shape)


def test_aliases_and_global_3d():
    assert layers.MaxPool3D is layers.MaxPooling3D and layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    x = np.random.default_rng(1).normal(size=(2, 3, 2, 4, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(layers.GlobalAvgPool3D()(x)), x.mean(axis=(1, 2, 3)), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layers.GlobalMaxPooling3D(keepdims=True)(x)),
                                  x.max(axis=(1, 2, 3), keepdims=True))


def test_adaptive_pooling_windows():
    x = np.arange(7, dtype="float32").reshape(1, 7, 1)
    # windows [floor(i n / out), ceil((i + 1) n / out)): [0, 3), [2, 5), [4, 7)
    np.testing.assert_allclose(np.asarray(layers.AdaptiveAveragePooling1D(3)(x)).ravel(), [1, 3, 5])
    np.testing.assert_allclose(np.asarray(layers.AdaptiveMaxPooling1D(3)(x)).ravel(), [2, 4, 6])
    layer = layers.AdaptiveMaxPooling2D((2, 3))
    assert layer.compute_output_shape((None, 9, 8, 4)) == (None, 2, 3, 4)
    assert layer.get_config()["output_size"] == [2, 3]


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="output_size"):
        layers.AdaptiveAveragePooling2D((2, 0), name="adapt")
    with pytest.raises(ValueError, match="channels_last"):
        layers.AdaptiveMaxPooling1D(2, data_format="channels_first")


def test_unknown_depth_in_the_graph_is_known_when_run():
    x = keras.Input((None, 4, 4, 2))
    layer = layers.AveragePooling3D(2)
    model = keras.Model(x, layer(x))
    data = np.random.default_rng(3).normal(size=(1, 5, 4, 4, 2)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), windows_reference(data, (2, 2, 2), (2, 2, 2), "valid", np.mean),
                               rtol=1e-6)
