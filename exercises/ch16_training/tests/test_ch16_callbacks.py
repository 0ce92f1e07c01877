import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from callbacks_saving import BatchLossLogger, BestWeightsSaver, load_best


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


@pytest.mark.exercise("ch16.callbacks", points=1)
def test_batch_loss_logger():
    keras.utils.set_random_seed(0)
    model = build()
    x, y = noisy_data(0)
    logger = BatchLossLogger()
    history = model.fit(x, y, batch_size=16, epochs=3, callbacks=[logger], verbose=0)
    assert len(logger.batch_losses) == 3 * 4
    assert all(isinstance(v, float) for v in logger.batch_losses)
    # the last batch of an epoch logs the epoch's mean loss
    np.testing.assert_allclose(logger.batch_losses[3::4], history.history["loss"], rtol=1e-6)
    model.fit(x, y, batch_size=30, epochs=1, callbacks=[logger], verbose=0)
    assert len(logger.batch_losses) == 2


@pytest.mark.exercise("ch16.callbacks", points=1, timeout=60)
def test_saver_writes_what_model_checkpoint_writes(tmp_path):
    keras.utils.set_random_seed(1)
    model = build()
    x, y = noisy_data(1)
    mine = str(tmp_path / "mine.weights.h5")
    theirs = str(tmp_path / "theirs.weights.h5")
    saver = BestWeightsSaver(mine)
    checkpoint = keras.callbacks.ModelCheckpoint(theirs, monitor="val_loss", save_best_only=True,
                                                 save_weights_only=True)
    history = model.fit(x, y, batch_size=8, epochs=12, validation_split=0.3,
                        callbacks=[saver, checkpoint], verbose=0)
    val = history.history["val_loss"]
    new_minima = [e for e in range(len(val)) if val[e] < min(val[:e], default=np.inf)]
    assert saver.saved_epochs == new_minima
    a, b = build(compile=False), build(compile=False)
    a.load_weights(mine)
    b.load_weights(theirs)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.exercise("ch16.callbacks", points=1)
def test_load_best_round_trip(tmp_path):
    model = build()
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    restored = load_best(lambda: build(compile=False), path)
    assert restored is not model
    x = np.random.default_rng(2).normal(size=(4, 5)).astype("float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
