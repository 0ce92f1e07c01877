import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from callbacks_saving import BestWeightsSaver, load_best


def build(compile=True):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(8, activation="tanh")(inputs)))
    if compile:
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


@pytest.mark.exercise("ch16.callbacks", points=1, timeout=60)
def test_restored_model_is_the_best_epochs_model(tmp_path):
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = rng.normal(size=(40, 2)).astype("float32")
    model = build()
    path = str(tmp_path / "best.weights.h5")
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(self.model.get_weights())

    saver = BestWeightsSaver(path, monitor="loss")
    history = model.fit(x, y, batch_size=10, epochs=6, callbacks=[Snapshot(), saver], verbose=0)
    best_epoch = int(np.argmin(history.history["loss"]))
    assert saver.saved_epochs[-1] == best_epoch
    restored = load_best(lambda: build(compile=False), path)
    for w, s in zip(restored.get_weights(), snapshots[best_epoch]):
        np.testing.assert_allclose(w, s, rtol=1e-6)
