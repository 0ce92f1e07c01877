import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch16 import fit_with_batch_logger, fit_with_saver, load_best_from


def build(compile=True):
    inputs = keras.Input(shape=(5,))
    x = layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(1)(x))
    if compile:
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return model


def noisy_data(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, 5)).astype("float32")
    y = (x[:, :1] + rng.normal(0, 1.0, size=(60, 1))).astype("float32")   # easy to overfit
    return x, y


def twin(model, compile=True, seed=None):
    """A copy of ``model`` with the same weights, compiled as the probes compile."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    if compile:
        copy.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return copy


@pytest.mark.exercise("ch16.callbacks", points=1)
def test_batch_loss_logger():
    keras.utils.set_random_seed(0)
    model = build(compile=False)
    x, y = noisy_data(0)
    # Your logger runs in a fit next to your code (probes_ch16.py); the same fit runs
    # here with minikeras alone, from the same weights and seed.
    reference = twin(model)
    runs = [{"batch_size": 16, "epochs": 3}, {"batch_size": 30, "epochs": 1}]
    got = fit_with_batch_logger(model, x, y, runs, seed=0, optimizer=("adam", {"learning_rate": 0.05}))
    keras.utils.set_random_seed(0)
    history = reference.fit(x, y, batch_size=16, epochs=3, verbose=0)
    second = reference.fit(x, y, batch_size=30, epochs=1, verbose=0)
    assert len(got[0]) == 3 * 4
    assert all(isinstance(v, float) for v in got[0])
    # the last batch of an epoch logs the epoch's mean loss
    np.testing.assert_allclose(got[0][3::4], history.history["loss"], rtol=1e-6)
    assert len(got[1]) == 2, "a new fit starts a new list"
    np.testing.assert_allclose(got[1][-1], second.history["loss"][-1], rtol=1e-6)


@pytest.mark.exercise("ch16.callbacks", points=1, timeout=60)
def test_saver_writes_what_model_checkpoint_writes(tmp_path):
    keras.utils.set_random_seed(1)
    model = build(compile=False)
    x, y = noisy_data(1)
    # Your saver runs in a fit next to your code (probes_ch16.py) and its file comes back;
    # the same fit runs here with ModelCheckpoint.
    reference = twin(model)
    got = fit_with_saver(model, x, y, seed=1, optimizer=("adam", {"learning_rate": 0.05}),
                         fit_kwargs={"batch_size": 8, "epochs": 12, "validation_split": 0.3}, saver_kwargs={})
    mine = tmp_path / "mine.weights.h5"
    mine.write_bytes(got["file"].tobytes())
    theirs = str(tmp_path / "theirs.weights.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(theirs, monitor="val_loss", save_best_only=True,
                                                 save_weights_only=True)
    keras.utils.set_random_seed(1)
    history = reference.fit(x, y, batch_size=8, epochs=12, validation_split=0.3, callbacks=[checkpoint],
                            verbose=0)
    val = history.history["val_loss"]
    new_minima = [e for e in range(len(val)) if val[e] < min(val[:e], default=np.inf)]
    assert got["saved_epochs"] == new_minima
    a, b = build(compile=False), build(compile=False)
    a.load_weights(str(mine))
    b.load_weights(theirs)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.exercise("ch16.callbacks", points=1)
def test_load_best_round_trip(tmp_path):
    model = build(compile=False)
    path = tmp_path / "w.weights.h5"
    model.save_weights(str(path))
    # load_best gets the file's bytes in your process (probes_ch16.py) and calls back
    # here for the fresh model.
    restored = load_best_from(lambda: build(compile=False), np.frombuffer(path.read_bytes(), np.uint8))
    x = np.random.default_rng(2).normal(size=(4, 5)).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
