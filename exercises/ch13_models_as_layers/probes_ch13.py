"""Instructor probes for chapter 13 (complete; do not edit).

When the grader runs your code in a separate process, a model the test gives you
arrives as a copy, so the test cannot see whether *your* copy shares Variables with
the model it came from. These probes call your ``copy_model`` next to the original
and then change the copy (set its weights, or train it); they return both models
as they are afterwards, so the test can check, from their values, that the
original was left alone. Run locally, they simply run in the test's process.

A model whose nested models share a layer cannot be saved and loaded (in Keras
neither: each nested model would be rebuilt with its own copy of the layer), so it
cannot travel to your process either: ``unique_weights_of_sharing_models`` builds it
there and gives it the weight values the test chose.
"""

import numpy as np

import minikeras as keras
from minikeras import layers
from model_copy import copy_model, unique_weights


def copy_then_shift(model, shift=1.0):
    """Copy ``model`` with ``copy_model``, add ``shift`` to every weight of the copy.

    Returns ``(original, copy)`` after the change: a copy that shares a Variable or a
    layer with the original moves the original too."""
    copy = copy_model(model)
    copy.set_weights([np.asarray(w) + shift for w in copy.get_weights()])
    return model, copy


def copy_then_train(model, x, y, epochs=2, learning_rate=0.5):
    """Copy ``model`` with ``copy_model``, compile and train the copy (SGD, mse).

    Returns ``(original, copy)`` after training."""
    copy = copy_model(model)
    copy.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    copy.fit(x, y, epochs=epochs, verbose=0)
    return model, copy


def two_models_sharing_a_layer():
    """``outer`` holds ``model_a`` and ``model_b``, which both use the Dense ``shared``."""
    shared = layers.Dense(4, name="shared")
    in_a = keras.Input(shape=(3,))
    model_a = keras.Model(in_a, shared(in_a), name="model_a")
    in_b = keras.Input(shape=(3,))
    model_b = keras.Model(in_b, layers.Dense(2)(shared(in_b)), name="model_b")
    x = keras.Input(shape=(3,))
    return keras.Model(x, layers.concatenate([model_a(x), model_b(x)]), name="outer")


def unique_weights_of_sharing_models(values):
    """``unique_weights`` of ``two_models_sharing_a_layer()`` after ``set_weights(values)``."""
    model = two_models_sharing_a_layer()
    model.set_weights(values)
    return unique_weights(model)
