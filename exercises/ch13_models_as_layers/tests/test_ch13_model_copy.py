import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from model_copy import copy_model, unique_weights
from probes_ch13 import copy_then_shift, unique_weights_of_sharing_models


def two_models_sharing_a_layer():
    """The same model as in probes_ch13.py, built here for its weights' shapes and order."""
    shared = layers.Dense(4, name="shared")
    in_a = keras.Input(shape=(3,))
    model_a = keras.Model(in_a, shared(in_a), name="model_a")
    in_b = keras.Input(shape=(3,))
    model_b = keras.Model(in_b, layers.Dense(2)(shared(in_b)), name="model_b")
    x = keras.Input(shape=(3,))
    return keras.Model(x, layers.concatenate([model_a(x), model_b(x)]), name="outer")


def small_autoencoder():
    e_in = keras.Input(shape=(6,))
    encoder = keras.Model(e_in, layers.Dense(2, activation="relu")(e_in), name="enc")
    d_in = keras.Input(shape=(2,))
    decoder = keras.Model(d_in, layers.Dense(6)(layers.BatchNormalization()(d_in)), name="dec")
    x = keras.Input(shape=(6,))
    return keras.Model(x, decoder(encoder(x)), name="ae")


def distinct_weights(model, seed=0):
    """Give every weight its own random values, so a weight is recognised by its values
    (your code runs in another process: the arrays that come back are copies)."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.2, 1.5, size=w.shape) for w in model.weights])
    return model.get_weights()


def assert_same_weights(got, want):
    assert len(got) == len(want), f"{len(got)} weights, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_array_equal(np.asarray(g), w, err_msg=f"weight {i}")


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_unique_weights_of_nested_models():
    model = small_autoencoder()
    want = distinct_weights(model)
    got = unique_weights(model)
    assert_same_weights(got, want)
    assert sum(int(np.prod(w.shape)) for w in got) == model.count_params()


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_unique_weights_counts_a_shared_layer_once():
    # Nested models that share a layer cannot travel as a file (probes_ch13.py says why):
    # the probe builds the same model next to your code, with the values chosen here.
    model = two_models_sharing_a_layer()
    want = distinct_weights(model, seed=1)
    got = unique_weights_of_sharing_models(want)
    assert len(got) == len(want), "a weight appears twice (or is missing)"
    assert_same_weights(got, want)
    assert sum(int(np.prod(w.shape)) for w in got) == model.count_params() == (3 * 4 + 4) + (4 * 2 + 2)


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_copy_has_the_same_architecture_and_values_but_new_variables():
    model = small_autoencoder()
    before = distinct_weights(model)
    copy = copy_model(model)
    reference = keras.models.clone_model(model)     # minikeras' own clone: same architecture
    assert [type(l).__name__ for l in copy.layers] == [type(l).__name__ for l in reference.layers]
    assert copy.count_params() == model.count_params()
    assert_same_weights(copy.get_weights(), before)
    x = np.random.default_rng(9).random((5, 6), dtype=np.float32)
    np.testing.assert_allclose(copy.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    # Change the copy next to the original (probes_ch13.py): the original must not move.
    original, shifted = copy_then_shift(model, 1.0)
    for i, (a, b) in enumerate(zip(original.get_weights(), before, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"the copy shares Variables (weight {i} of the original moved)")
    for a, b in zip(shifted.get_weights(), before, strict=True):
        np.testing.assert_allclose(a, b + 1.0, rtol=1e-6)
