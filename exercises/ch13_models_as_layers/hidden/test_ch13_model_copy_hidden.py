import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from model_copy import unique_weights
from probes_ch13 import copy_then_train


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_training_the_copy_leaves_the_original_alone():
    e_in = keras.Input(shape=(5,))
    encoder = keras.Model(e_in, layers.Dense(3, activation="tanh")(e_in), name="enc")
    x = keras.Input(shape=(5,))
    model = keras.Model(x, layers.Dense(1)(encoder(x)))
    before = model.get_weights()
    data = np.random.default_rng(0).random((16, 5), dtype=np.float32)
    # The copy is trained next to the original (probes_ch13.py); both come back as data.
    original, copy = copy_then_train(model, data, np.ones((16, 1), "float32"), epochs=2, learning_rate=0.5)
    assert isinstance(copy.layers[1], keras.Model) and copy.layers[1].name == encoder.name
    for a, b in zip(original.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(copy.get_weights(), before))
    # a model that holds the same nested model twice
    y = keras.Input(shape=(5,))
    twice = keras.Model(y, layers.add([encoder(y), encoder(y)]))
    rng = np.random.default_rng(1)
    encoder.set_weights([rng.uniform(0.2, 1.5, size=w.shape) for w in encoder.weights])
    got = unique_weights(twice)
    assert len(got) == len(encoder.weights), "a weight appears twice (or is missing)"
    for g, w in zip(got, encoder.get_weights()):
        np.testing.assert_array_equal(np.asarray(g), w)
