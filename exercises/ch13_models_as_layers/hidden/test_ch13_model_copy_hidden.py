import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from model_copy import copy_model, unique_weights


@pytest.mark.exercise("ch13.model_copy", points=1)
def test_training_the_copy_leaves_the_original_alone():
    e_in = keras.Input(shape=(5,))
    encoder = keras.Model(e_in, layers.Dense(3, activation="tanh")(e_in), name="enc")
    x = keras.Input(shape=(5,))
    model = keras.Model(x, layers.Dense(1)(encoder(x)))
    before = model.get_weights()
    copy = copy_model(model)
    assert isinstance(copy.layers[1], keras.Model) and copy.layers[1] is not encoder
    copy.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    data = np.random.default_rng(0).random((16, 5), dtype=np.float32)
    copy.fit(data, np.ones((16, 1), "float32"), epochs=2, verbose=0)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(copy.get_weights(), before))
    # a model that holds the same nested model twice
    y = keras.Input(shape=(5,))
    twice = keras.Model(y, layers.add([encoder(y), encoder(y)]))
    assert [id(w) for w in unique_weights(twice)] == [id(w) for w in encoder.weights]
