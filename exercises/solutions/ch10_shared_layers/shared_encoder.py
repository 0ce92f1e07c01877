"""Chapter 10, exercise ch10.shared_encoder: one text encoder for two texts.

Build the model of the chapter's section "A shared encoder: embedding and LSTM".
"""

import minikeras as keras
from minikeras import layers


def build_shared_encoder(vocab_size=10000, embed_dim=128, units=64, seq_len=100):
    """Reference solution."""
    shared_embedding = layers.Embedding(vocab_size, embed_dim)
    input_a = keras.Input(shape=(seq_len,), name="input_a")
    input_b = keras.Input(shape=(seq_len,), name="input_b")
    lstm = layers.LSTM(units)
    features_a = lstm(shared_embedding(input_a))
    features_b = lstm(shared_embedding(input_b))
    merged = layers.concatenate([features_a, features_b])
    output = layers.Dense(1, activation="sigmoid")(merged)
    return keras.Model(inputs=[input_a, input_b], outputs=output)
