import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch16 import fit_with_saver, load_best_from


def build(compile=True):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(8, activation="tanh")(inputs)))
    if compile:
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


@pytest.mark.exercise("ch16.callbacks", points=1, timeout=60)
def test_restored_model_is_the_best_epochs_model():
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = rng.normal(size=(40, 2)).astype("float32")
    model = build(compile=False)
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(self.model.get_weights())

    # Your saver runs next to your code (probes_ch16.py); the same fit runs here.
    reference = keras.models.clone_model(model)
    reference.set_weights(model.get_weights())
    got = fit_with_saver(model, x, y, seed=3, optimizer=("sgd", {"learning_rate": 0.1}),
                         fit_kwargs={"batch_size": 10, "epochs": 6}, saver_kwargs={"monitor": "loss"})
    reference.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    keras.utils.set_random_seed(3)
    history = reference.fit(x, y, batch_size=10, epochs=6, callbacks=[Snapshot()], verbose=0)
    best_epoch = int(np.argmin(history.history["loss"]))
    assert got["saved_epochs"][-1] == best_epoch
    restored = load_best_from(lambda: build(compile=False), got["file"])
    for w, s in zip(restored.get_weights(), snapshots[best_epoch], strict=True):
        np.testing.assert_allclose(w, s, rtol=1e-6)
