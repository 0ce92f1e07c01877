"""Chapter 17, exercise ch17.from_summary: reference solution."""

import minikeras as keras
from minikeras import layers


def build_ticket_router():
    """Reference solution."""
    tokens = keras.Input(shape=(None,), dtype="int32", name="tokens")
    meta = keras.Input(shape=(3,), name="meta")
    x = layers.Embedding(100, 8)(tokens)
    x = layers.GRU(16)(x)
    shared = layers.Dense(16, activation="relu")
    a = shared(x)
    b = shared(layers.Dense(16)(meta))
    merged = layers.add([a, b])
    score = layers.Dense(1, activation="sigmoid", name="score")(merged)
    topic = layers.Dense(4, activation="softmax", name="topic")(layers.concatenate([merged, meta]))
    return keras.Model([tokens, meta], [score, topic], name="ticket_router")
