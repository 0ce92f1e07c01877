import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from transfer_head import build_transfer_model


@pytest.mark.exercise("ch14.frozen_head", points=1)
def test_convolutional_base_and_predictions():
    inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(3, 3, activation="relu", name="conv")(inputs)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    base = keras.Model(inputs, layers.Dense(2, name="out")(x))
    model = build_transfer_model(base, "gap", units=2, activation="softmax")
    assert model.input_shape == (None, 8, 8, 1)
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 3 * 2 + 2
    data = np.random.default_rng(0).random((4, 8, 8, 1), dtype=np.float32)
    features = keras.Model(base.input, base.get_layer("gap").output).predict(data, verbose=0)
    head = model.get_layer("head")
    want = np.asarray(head(features))
    np.testing.assert_allclose(model.predict(data, verbose=0), want, rtol=1e-5, atol=1e-6)
