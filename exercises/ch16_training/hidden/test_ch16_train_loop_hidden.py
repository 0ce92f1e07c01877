import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch16 import run_train_steps


@pytest.mark.exercise("ch16.train_step", points=1)
def test_training_mode_reaches_batch_normalization():
    def build():
        inputs = keras.Input(shape=(4,))
        x = layers.Dense(5)(inputs)
        x = layers.BatchNormalization()(x)
        return keras.Model(inputs, layers.Dense(1)(layers.ReLU()(x)))

    mine, reference = build(), build()
    reference.set_weights(mine.get_weights())
    reference.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(12, 4)).astype("float32")
    y = rng.normal(size=(12, 1)).astype("float32")
    want = reference.train_on_batch(x, y)
    # train_step runs next to your code with SGD(0.1) and MeanSquaredError() (probes_ch16.py)
    got = run_train_steps(mine, ("sgd", {"learning_rate": 0.1}), "mse", x, y)
    np.testing.assert_allclose(got["losses"][0], want, rtol=1e-5)
    mine = got["model"]
    for a, b in zip(mine.get_weights(), reference.get_weights(), strict=True):   # moving statistics included
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
