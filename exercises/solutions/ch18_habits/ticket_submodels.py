"""Chapter 18, exercise ch18.submodels: reference solution."""

import minikeras as keras
from minikeras import layers


def text_encoder(num_words, embed_dim, units, name):
    """Reference solution."""
    tokens = keras.Input(shape=(None,), name=f"{name}_tokens")
    x = layers.Embedding(num_words, embed_dim, name=f"{name}_embedding")(tokens)
    x = layers.LSTM(units, name=f"{name}_lstm")(x)
    return keras.Model(tokens, x, name=name)


def build_ticket_classifier(num_words=10000, num_tags=12, num_departments=4):
    """Reference solution."""
    title = keras.Input(shape=(None,), name="title")
    body = keras.Input(shape=(None,), name="body")
    tags = keras.Input(shape=(num_tags,), name="tags")
    title_features = text_encoder(num_words, 64, 128, "title_encoder")(title)
    body_features = text_encoder(num_words, 64, 32, "body_encoder")(body)
    features = layers.concatenate([title_features, body_features, tags], name="features")
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)
    return keras.Model(inputs=[title, body, tags], outputs=[priority, department])
