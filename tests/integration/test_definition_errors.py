"""Mistakes caught while a model is being defined: each error names the layer, what it
expected and what it received."""
import numpy as np
import pytest

from minikeras import layers
from minikeras.layers import Dense, Input
from minikeras.models import Model


def test_merging_tensors_of_different_shapes():
    a, b = Input((32,)), Input((16,))
    with pytest.raises(ValueError, match=r"add_1 \(Add\).*same shape.*\(None, 32\).*\(None, 16\)"):
        layers.add([a, b])
    with pytest.raises(ValueError, match=r"concatenate_1.*matching shapes.*\(None, 4, 3\).*\(None, 5, 2\)"):
        layers.concatenate([Input((4, 3)), Input((5, 2))], axis=-1)


def test_merge_needs_a_list():
    with pytest.raises(ValueError, match="list of at least 2 inputs"):
        layers.Add()(Input((3,)))


def test_flatten_on_an_unknown_dimension():
    with pytest.raises(ValueError, match=r'"Flatten" \(layer flatten_1\) is not fully defined \(got \(None, 3\)'):
        layers.Flatten()(Input((None, 3)))


def test_reshape_whose_sizes_disagree():
    with pytest.raises(ValueError, match=r"reshape_1.*unchanged.*\(None, 10\) has 10 values.*\(3, 4\) has 12"):
        layers.Reshape((3, 4))(Input((10,)))
    with pytest.raises(ValueError, match="only specify one unknown dimension"):
        layers.Reshape((-1, -1))


def test_conv_on_an_input_that_is_too_small():
    with pytest.raises(ValueError, match=r"conv2d_1.*too small.*\(None, 2, 2, 1\)"):
        layers.Conv2D(3, 5)(Input((2, 2, 1)))


def test_conv_on_a_flat_input_says_what_rank_it_wanted():
    with pytest.raises(ValueError, match=r"conv2d_1 \(Conv2D\).*expected ndim=4, found ndim=2"):
        layers.Conv2D(3, 3)(Input((28 * 28,)))


def test_lstm_needs_three_axes():
    with pytest.raises(ValueError, match=r"lstm_1.*expected ndim=3, found ndim=2"):
        layers.LSTM(4)(Input((10,)))


def test_invalid_layer_arguments():
    with pytest.raises(ValueError, match="units"):
        Dense(0)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(3, (3, 0))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(3, 3, padding="full")
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="Unknown activation function: 'relu6x'"):
        Dense(3, activation="relu6x")
    with pytest.raises(ValueError, match="Unknown initializer"):
        Dense(3, kernel_initializer="glorot")


def test_model_call_with_wrong_input_shape():
    x = Input((8,))
    model = Model(x, Dense(2)(x))
    with pytest.raises(ValueError, match=r"model_1.*expects arrays of shape \(None, 8\).*received an array of shape \(None, 9\)"):
        model(Input((9,)))


def test_predict_with_wrong_feature_size_names_the_input():
    x = Input((8,), name="features")
    model = Model(x, Dense(2)(x))
    with pytest.raises(ValueError, match=r"'features'.*\(None, 8\).*\(4, 9\)"):
        model.predict(np.ones((4, 9)))
    with pytest.raises(ValueError, match=r"'features'.*\(4, 2, 4\)"):
        model.predict(np.ones((4, 2, 4)))


def test_embedding_rejects_fractional_and_out_of_range_indices():
    ids = Input((3,))
    model = Model(ids, layers.Embedding(10, 2)(ids))
    with pytest.raises(ValueError, match="embedding_1 expects integer indices"):
        model.predict(np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match=r"indices must be in \[0, 10\).*from 0 to 12"):
        model.predict(np.array([[0, 1, 12]]))
