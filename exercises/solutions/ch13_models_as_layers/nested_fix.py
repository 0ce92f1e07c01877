"""Chapter 13, exercise ch13.fix_nested: reference solution.

A nested model called the wrong way.

``build_dense_encoder`` and ``build_dense_decoder`` make two small models
(complete, do not edit). ``broken_autoencoder`` tries to chain them and fails.
Run ``broken_autoencoder(build_dense_encoder(), build_dense_decoder())``, read
the error, fix that line, run again: there is a second mistake.
"""

import minikeras as keras
from minikeras import layers


def build_dense_encoder():
    inputs = keras.Input(shape=(784,), name="pixels")
    x = layers.Dense(64, activation="relu")(inputs)
    code = layers.Dense(8, activation="relu")(x)
    return keras.Model(inputs, code, name="dense_encoder")


def build_dense_decoder():
    inputs = keras.Input(shape=(8,), name="code")
    x = layers.Dense(64, activation="relu")(inputs)
    pixels = layers.Dense(784, activation="sigmoid")(x)
    return keras.Model(inputs, pixels, name="dense_decoder")


def broken_autoencoder(encoder, decoder):
    """The buggy version (do not edit; it is here to be read and run)."""
    inputs = keras.Input(shape=(784,), name="image")
    code = encoder(inputs)
    rebuilt = decoder(inputs)
    return keras.Model(encoder.input, rebuilt, name="dense_autoencoder")


def fixed_autoencoder(encoder, decoder):
    """Reference solution: the decoder reads the code; the model reads its own input."""
    inputs = keras.Input(shape=(784,), name="image")
    code = encoder(inputs)
    rebuilt = decoder(code)
    return keras.Model(inputs, rebuilt, name="dense_autoencoder")
