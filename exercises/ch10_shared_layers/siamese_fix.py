"""Chapter 10, exercise ch10.fix_siamese: repair a "shared" encoder that shares nothing.

``broken_model()`` is meant to compare two questions with one shared encoder:
an ``Embedding(5000, 64)`` named ``"embedding"`` and an ``LSTM(32)`` named
``"encoder"``, both used for question A and question B; the cosine similarity of
the two encodings (``layers.dot(..., axes=1, normalize=True)``) goes through a
``Dense(1, activation="sigmoid")``. Run it: it fails when the ``Model`` is made.
Read the error, then read ``encode``: every call of it creates new layers.
"""

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
    """Return the repaired model.

    * inputs of shape ``(20,)`` named ``"question_a"`` and ``"question_b"``;
    * ONE ``Embedding(5000, 64, name="embedding")`` and ONE
      ``LSTM(32, name="encoder")``, each called on both questions;
    * ``layers.dot([encoded_a, encoded_b], axes=1, normalize=True)``, then
      ``Dense(1, activation="sigmoid", name="same_meaning")``.

    Two identical questions must get identical encodings (cosine similarity 1).
    The model has 5000*64 + 4*32*(64+32+1) + 2 = 332,418 parameters.
    """
    raise NotImplementedError("ch10.fix_siamese: implement fixed_model()")
