import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from model_copy import copy_model, unique_weights


def two_models_sharing_a_layer():
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


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_unique_weights_of_nested_models():
    model = small_autoencoder()
    got = unique_weights(model)
    assert [id(w) for w in got] == [id(w) for w in model.weights]
    assert sum(int(np.prod(w.shape)) for w in got) == model.count_params()


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_unique_weights_counts_a_shared_layer_once():
    model = two_models_sharing_a_layer()
    got = unique_weights(model)
    assert len({id(w) for w in got}) == len(got), "a weight appears twice"
    assert [id(w) for w in got] == [id(w) for w in model.weights]
    assert sum(int(np.prod(w.shape)) for w in got) == model.count_params() == (3 * 4 + 4) + (4 * 2 + 2)


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_copy_has_the_same_architecture_and_values_but_new_variables():
    model = small_autoencoder()
    model.set_weights([np.random.default_rng(i).uniform(0.2, 1.5, size=w.shape) for i, w in enumerate(model.weights)])
    copy = copy_model(model)
    reference = keras.models.clone_model(model)     # minikeras' own clone: same architecture
    assert [type(l).__name__ for l in copy.layers] == [type(l).__name__ for l in reference.layers]
    assert copy.count_params() == model.count_params()
    assert not {id(w) for w in copy.weights} & {id(w) for w in model.weights}, "the copy shares Variables"
    assert all(a is not b for a, b in zip(copy.layers, model.layers))
    for a, b in zip(copy.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(9).random((5, 6), dtype=np.float32)
    np.testing.assert_allclose(copy.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
