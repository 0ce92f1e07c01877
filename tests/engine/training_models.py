"""Small models and data shared by the trainer's tests: an MLP on a linearly separable
binary task, and seed 002's ticket classifier (three dict inputs, two named outputs), smaller."""
import numpy as np

import minikeras as keras
from minikeras import layers


def mlp(n_in=4, units=1, activation="sigmoid", name=None):
    inputs = keras.Input((n_in,), name=name)
    hidden = layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(units, activation=activation)(hidden))


def binary_data(n=64, n_in=4, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, n_in)).astype("float32")
    return x, (x[:, :1] + x[:, 1:2] > 0).astype("float32")


def ticket_model(num_words=50, num_tags=6, num_departments=4):
    """Seed 002's ticket classifier, smaller: three dict inputs, two named outputs."""
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.LSTM(8)(layers.Embedding(num_words, 8)(title_input))
    body_features = layers.LSTM(4)(layers.Embedding(num_words, 8)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
    department_pred = layers.Dense(num_departments, activation="softmax", name="department")(x)
    return keras.Model(inputs=[title_input, body_input, tags_input], outputs=[priority_pred, department_pred])


def ticket_data(n=64, num_words=50, num_tags=6, num_departments=4):
    rng = np.random.default_rng(0)
    x = {"title": rng.integers(num_words, size=(n, 5)), "body": rng.integers(num_words, size=(n, 12)),
         "tags": rng.integers(2, size=(n, num_tags)).astype("float32")}
    y = {"priority": rng.random(size=(n, 1)),
         "department": keras.utils.to_categorical(rng.integers(num_departments, size=n), num_departments)}
    return x, y
