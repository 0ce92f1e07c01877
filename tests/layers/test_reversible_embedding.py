"""minikeras.layers.reversible_embedding: the way in is Embedding's, the way out scores vectors
against the (tied or separate) table, soft-capped; shapes, masks, gradients, config, errors."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.layers.test_layer_gradients import check_layer_gradients


def test_both_ways():
    layer = layers.ReversibleEmbedding(6, 3, logit_soft_cap=2.0)
    ids = np.array([[1, 4, 0]])
    vectors = np.asarray(layer(ids))
    table = layer.embeddings.value
    np.testing.assert_allclose(vectors, table[ids])
    h = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(layer(h, reverse=True)), 2.0 * np.tanh(h @ table.T / 2.0), rtol=1e-6)
    untied = layers.ReversibleEmbedding(6, 3, tie_weights=False)
    untied(ids)
    assert [w.name for w in untied.weights] == ["embeddings", "reverse_embeddings"]
    np.testing.assert_allclose(np.asarray(untied(h, reverse=True)), h @ untied.reverse_embeddings.value, rtol=1e-6)


def test_symbolic_shapes_and_masks():
    ids = keras.Input((5,), dtype="int32")
    layer = layers.ReversibleEmbedding(10, 4, mask_zero=True)
    vectors = layer(ids)
    logits = layer(vectors, reverse=True)
    assert tuple(vectors.shape) == (None, 5, 4) and tuple(logits.shape) == (None, 5, 10)
    assert vectors._keras_mask is not None and logits._keras_mask is None


def test_gradients_of_the_way_out(float64):
    layer = layers.ReversibleEmbedding(5, 3, logit_soft_cap=3.0)
    layer(np.array([[0, 1]]))
    check_layer_gradients(_Reversed(layer), (2, 3))


class _Reversed(layers.Layer):
    """The way out as a layer of its own, for the gradient helper."""

    def __init__(self, embedding):
        super().__init__()
        self.embedding = embedding

    def call(self, inputs):
        return self.embedding(inputs, reverse=True)


def test_config_and_errors():
    layer = layers.ReversibleEmbedding(8, 2, tie_weights=False, logit_soft_cap=1.5, name="tokens")
    config = layer.get_config()
    assert config["tie_weights"] is False and config["logit_soft_cap"] == 1.5
    assert layers.ReversibleEmbedding.from_config(config).get_config() == config
    layer(np.array([[1]]))
    with pytest.raises(ValueError, match="tokens: reverse=True expects vectors of size output_dim=2"):
        layer(np.zeros((1, 3), "float32"), reverse=True)
    with pytest.raises(ValueError, match="reverse_dtype"):
        layers.ReversibleEmbedding(8, 2, reverse_dtype="bfloat16")


def test_float_token_ids_get_the_mask_as_in_embedding():
    """``Input((5,))`` is float32 by default; ids of that dtype are still ids (the way in)."""
    layer = layers.ReversibleEmbedding(10, 4, mask_zero=True)
    ids = keras.Input((5,))
    vectors = layer(ids)
    assert vectors._keras_mask is not None and layer(vectors, reverse=True)._keras_mask is None
    model = keras.Model(ids, layers.GlobalAveragePooling1D()(vectors))
    data = np.array([[1, 2, 0, 0, 0]], "float32")
    table = layer.embeddings.value
    np.testing.assert_allclose(model.predict(data, verbose=0), (table[1:2] + table[2:3]) / 2, rtol=1e-6)
