"""The programs of Keras 3's guide "Understanding masking & padding", with only the import
changed (TensorFlow calls replaced by ``keras.ops``, as the guide's backend-agnostic
version writes them). Each step checks what the guide prints."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

RAW_INPUTS = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]


def test_padding_sequence_data():
    padded_inputs = keras.utils.pad_sequences(RAW_INPUTS, padding="post")
    np.testing.assert_array_equal(padded_inputs, [[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0],
                                                  [83, 91, 1, 645, 1253, 927]])


def test_mask_generating_layers():
    padded_inputs = keras.utils.pad_sequences(RAW_INPUTS, padding="post")
    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    np.testing.assert_array_equal(np.asarray(masked_output._keras_mask), padded_inputs != 0)

    masking_layer = layers.Masking()
    # Simulate the embedding lookup by expanding the 2D input to 3D, with embedding dimension of 10.
    unmasked_embedding = ops.cast(ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32")
    masked_embedding = masking_layer(unmasked_embedding)
    np.testing.assert_array_equal(np.asarray(masked_embedding._keras_mask), padded_inputs != 0)


def test_mask_propagation_in_the_functional_api_and_sequential():
    model = keras.Sequential([layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True), layers.LSTM(32)])
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    outputs = layers.LSTM(32)(x)
    functional = keras.Model(inputs, outputs)
    padded = keras.utils.pad_sequences(RAW_INPUTS, padding="post")
    assert functional(padded).shape == (3, 32)
    assert model(padded).shape == (3, 32)


def test_passing_mask_tensors_directly_to_layers():
    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
            self.lstm = layers.LSTM(32)

        def call(self, inputs):
            x = self.embedding(inputs)
            # Note that you could also prepare a `mask` tensor manually.
            # It only needs to be a boolean tensor with the right shape, i.e. (batch_size, timesteps).
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
            return output

    layer = MyLayer()
    x = np.random.random((32, 10)) * 100
    x = x.astype("int32")
    assert layer(x).shape == (32, 32)


def test_supporting_masking_in_your_custom_layers():
    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
            # subtensors along the time axis (axis 1).
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            # Also split the mask into 2 if it presents.
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    padded = np.array([[1, 2, 0, 0, 0, 0], [3, 4, 5, 6, 0, 0]], dtype="int32")
    masked_embedding = layers.Embedding(10, 4, mask_zero=True)(padded)
    first_half, second_half = TemporalSplit()(masked_embedding)
    np.testing.assert_array_equal(np.asarray(first_half._keras_mask), padded[:, :3] != 0)
    np.testing.assert_array_equal(np.asarray(second_half._keras_mask), padded[:, 3:] != 0)

    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                              initializer="random_normal", dtype="float32")

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = np.random.random((3, 10)) * 9
    x = x.astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    np.testing.assert_array_equal(np.asarray(mask), x != 0)
    np.testing.assert_array_equal(np.asarray(y._keras_mask), x != 0)


def test_opting_in_to_mask_propagation_on_compatible_layers():
    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Signal that the layer is safe for mask propagation
            self.supports_masking = True

        def call(self, inputs):
            return keras.activations.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    assert x._keras_mask is not None and x._keras_mask.shape == (None, None)
    outputs = layers.LSTM(32)(x)  # Will receive the mask
    model = keras.Model(inputs, outputs)
    y = model(np.random.randint(0, 5000, size=(32, 100)))
    assert y.shape == (32, 32)


@pytest.mark.filterwarnings("ignore:Layer 'temporal_softmax")   # Keras warns the same: it drops the mask
def test_writing_layers_that_need_mask_information():
    class TemporalSoftmax(keras.layers.Layer):
        def call(self, inputs, mask=None):
            assert mask is not None   # also while the model is being defined
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    data = np.random.randint(0, 10, size=(32, 100))
    with np.errstate(invalid="ignore"):
        y = np.asarray(model(data))
    assert y.shape == (32, 100, 1)
    # The guide's softmax runs over a feature axis of size 1: 1 at real steps, and 0 / 0 at
    # the padded ones (Keras gives the same NaN there).
    np.testing.assert_array_equal(np.isnan(y[..., 0]), data == 0)
    np.testing.assert_allclose(y[..., 0][data != 0], 1.0, rtol=1e-6)
