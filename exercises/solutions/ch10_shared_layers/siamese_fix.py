"""Chapter 10, exercise ch10.fix_siamese: reference solution."""

import minikeras as keras
from minikeras import layers


def encode(x):
    embedded = layers.Embedding(5000, 64, name="embedding")(x)
    return layers.LSTM(32, name="encoder")(embedded)


def broken_model():
    """The buggy version (do not edit; it is here to be read and run)."""
    question_a = keras.Input(shape=(20,), name="question")
    question_b = keras.Input(shape=(20,), name="question")
    similarity = layers.dot([encode(question_a), encode(question_b)], axes=1, normalize=True)
    output = layers.Dense(1, activation="sigmoid", name="same_meaning")(similarity)
    return keras.Model([question_a, question_b], output)


def fixed_model():
    """Reference solution: create the layers once, call them twice."""
    embedding = layers.Embedding(5000, 64, name="embedding")
    encoder = layers.LSTM(32, name="encoder")
    question_a = keras.Input(shape=(20,), name="question_a")
    question_b = keras.Input(shape=(20,), name="question_b")
    encoded_a = encoder(embedding(question_a))
    encoded_b = encoder(embedding(question_b))
    similarity = layers.dot([encoded_a, encoded_b], axes=1, normalize=True)
    output = layers.Dense(1, activation="sigmoid", name="same_meaning")(similarity)
    return keras.Model([question_a, question_b], output)
