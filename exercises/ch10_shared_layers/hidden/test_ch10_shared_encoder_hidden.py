import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from shared_encoder import build_shared_encoder


@pytest.mark.exercise("ch10.shared_encoder", points=1)
def test_both_texts_are_encoded_by_the_same_weights():
    model = build_shared_encoder(vocab_size=30, embed_dim=4, units=3, seq_len=5)
    concat = [l for l in model.layers if isinstance(l, layers.Concatenate)]
    assert len(concat) == 1
    lstm = [l for l in model.layers if isinstance(l, layers.LSTM)][0]
    # the concatenation reads call 0 and call 1 of the same LSTM
    node = [n for n in concat[0]._inbound_nodes if n in model.graph.nodes][0]
    assert node.inbound_layers == [lstm, lstm]
    assert node.node_indices == [0, 1]
    probe = keras.Model(model.inputs, concat[0].input)
    words = np.random.default_rng(0).integers(0, 30, size=(3, 5))
    features_a, features_b = probe.predict([words, words], verbose=0)
    np.testing.assert_allclose(features_a, features_b, rtol=1e-6, atol=1e-6)
