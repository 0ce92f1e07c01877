"""Chapter 16, exercise ch16.fix_outputs: a two-output model that cannot be trained.

``broken_model()`` predicts, from 12 features of a support ticket, its priority
(a probability) and its department (one of 4, given as an integer 0-3 in the
data, see ``make_data``). Run ``broken_model()``: ``compile`` rejects the loss
dict. Fix that, then try ``model.fit(*make_data(64), epochs=1)``: there is a
second mistake, in the choice of a loss.
"""

import numpy as np

import minikeras as keras
from minikeras import layers


def make_data(n, seed=0):
    """Inputs and targets, as dicts keyed by input and output names."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 12)).astype("float32")
    priority = (x[:, 0] > 0).astype("float32").reshape(-1, 1)
    department = rng.integers(0, 4, size=n)
    return {"features": x}, {"priority": priority, "department": department}


def broken_model():
    """The buggy version (do not edit; it is here to be read and run)."""
    inputs = keras.Input(shape=(12,), name="features")
    x = layers.Dense(16, activation="relu")(inputs)
    priority = layers.Dense(1, activation="sigmoid")(x)
    department = layers.Dense(4, activation="softmax")(x)
    model = keras.Model(inputs, [priority, department])
    model.compile(optimizer="rmsprop",
                  loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    return model


def fixed_model():
    """Return the repaired, compiled model.

    Same layers as ``broken_model``, but the two output layers are named
    ``"priority"`` and ``"department"``: a loss dict (and a targets dict) is
    matched to the outputs by the *names of the layers that produce them*. And
    the department targets are integer class ids, not one-hot vectors, so its
    loss must be the sparse crossentropy. Outputs in the order
    ``[priority, department]``.
    """
    raise NotImplementedError("ch16.fix_outputs: implement fixed_model()")
