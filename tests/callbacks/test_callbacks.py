"""Callbacks: hook order and arguments, History, EarlyStopping (restore_best_weights),
ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler, CSVLogger, TerminateOnNaN,
LambdaCallback."""
import csv
import os

import numpy as np
import pytest

import minikeras as keras
from minikeras import callbacks, layers


def _model(lr=0.05, optimizer=None):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(1)(layers.Dense(6, activation="tanh")(inputs)))
    model.compile(optimizer or keras.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


def _data(n=32):
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_hooks_run_in_keras_order_with_model_and_params():
    events = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin", self.params["epochs"], self.params["steps"], self.model is model))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_train_batch_begin(self, batch, logs=None):
            events.append(("batch_begin", batch))

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs)))

        def on_test_begin(self, logs=None):
            events.append(("test_begin",))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end",))

    model = _model()
    x, y = _data(12)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_data=(x, y), callbacks=[Recorder()])
    assert events[0] == ("train_begin", 2, 2, True)
    assert events[1:6] == [("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0, ["loss", "mae"]),
                           ("batch_begin", 1), ("batch_end", 1, ["loss", "mae"])]
    assert events[6] == ("test_begin",)
    assert events[7] == ("epoch_end", 0, ["loss", "mae", "val_loss", "val_mae"])
    assert events[-1] == ("train_end",)


def test_keras2_on_batch_end_and_predict_hooks():
    seen = []

    class Old(callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(("batch", batch))

        def on_predict_batch_end(self, batch, logs=None):
            seen.append(("predict", batch))

    model = _model()
    x, y = _data(8)
    model.fit(x, y, batch_size=4, verbose=0, callbacks=[Old()])
    model.predict(x, batch_size=4, verbose=0, callbacks=[Old()])
    assert seen == [("batch", 0), ("batch", 1), ("predict", 0), ("predict", 1)]


def test_history_is_returned_and_kept_on_the_model():
    model = _model()
    x, y = _data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history is model.history
    assert history.epoch == [0, 1, 2]
    assert list(history.history) == ["loss", "mae"] and len(history.history["loss"]) == 3
    assert history.params["epochs"] == 3


def test_early_stopping_restores_the_best_weights():
    model = _model(lr=0.05)
    x, y = _data()
    snapshots = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    # the validation targets are unrelated to x: val_loss soon stops improving
    x_val = x[:8]
    y_val = np.random.default_rng(5).normal(size=(8, 1)).astype("float32") * 3
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=50, verbose=0, validation_data=(x_val, y_val), callbacks=[record, stopper])
    val = history.history["val_loss"]
    assert len(val) < 50 and stopper.stopped_epoch == len(val) - 1
    best = int(np.argmin(val))
    assert stopper.best_epoch == best and len(val) - 1 - best == 2
    for a, b in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_mode_auto_maximises_accuracy_and_warns_on_missing_metric():
    stopper = callbacks.EarlyStopping(monitor="val_accuracy")
    stopper.set_model(_model())
    stopper._set_direction()
    assert stopper._greater is True
    model = _model()
    x, y = _data(8)
    with pytest.warns(UserWarning, match="val_los.*not available"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.EarlyStopping(monitor="val_los", mode="min")])


def test_model_checkpoint_saves_best_only(tmp_path):
    model = _model()
    x, y = _data()
    saved = []
    model.save_weights = lambda path, overwrite=True: saved.append(path)
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "w.{epoch:02d}.weights.h5"), monitor="loss",
                                           save_best_only=True, save_weights_only=True)
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[checkpoint])
    losses = history.history["loss"]
    improved = [e for e in range(4) if losses[e] < min(losses[:e], default=np.inf)]
    assert saved == [str(tmp_path / f"w.{e + 1:02d}.weights.h5") for e in improved]


def test_model_checkpoint_writes_real_weight_files(tmp_path):
    model = _model()
    x, y = _data()
    path = tmp_path / "ckpt" / "best.weights.h5"
    model.fit(x, y, epochs=2, verbose=0, validation_data=(x, y),
              callbacks=[callbacks.ModelCheckpoint(str(path), save_best_only=True, save_weights_only=True)])
    assert path.exists()
    trained = model.get_weights()
    fresh = _model()
    fresh.load_weights(str(path))
    for a, b in zip(fresh.get_weights(), trained):
        np.testing.assert_array_equal(a, b)


def test_reduce_lr_on_plateau_and_learning_rate_scheduler():
    model = _model()
    x, y = _data(8)
    y_noise = np.random.default_rng(1).normal(size=(8, 1)).astype("float32")
    reduce = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.01)
    history = model.fit(x, y, epochs=12, verbose=0, validation_data=(x, y_noise), callbacks=[reduce])
    lrs = history.history["learning_rate"]
    assert lrs[0] == pytest.approx(0.05) and min(lrs) == pytest.approx(0.01)  # 0.05 halved, floored at min_lr
    assert {round(v, 6) for v in lrs} == {0.05, 0.025, 0.0125, 0.01}
    assert all(b <= a for a, b in zip(lrs, lrs[1:]))
    with pytest.raises(ValueError, match="factor >= 1.0"):
        callbacks.ReduceLROnPlateau(factor=2.0)

    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    model = _model(lr=0.1)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[scheduler])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.025])
    one_arg = callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    model.fit(x, y, epochs=2, verbose=0, callbacks=[one_arg])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.02)


def test_csv_logger(tmp_path):
    model = _model()
    x, y = _data(8)
    path = tmp_path / "log.csv"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(str(path))])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), append=True)])
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [r["epoch"] for r in rows] == ["0", "1", "0"]
    assert rows[2]["val_loss"] == "NA" and float(rows[1]["loss"]) > 0


def test_terminate_on_nan(capsys):
    model = _model(lr=1e6)
    x, y = _data(64)
    with np.errstate(all="ignore"):  # the diverging run overflows on purpose
        history = model.fit(x * 1e3, y * 1e3, batch_size=8, epochs=5, verbose=0,
                            callbacks=[callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_callback_and_bad_callbacks():
    calls = []
    lam = callbacks.LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                                   on_batch_end=lambda batch, logs: calls.append(batch),
                                   on_train_end=lambda logs: calls.append("end"))
    model = _model()
    x, y = _data(8)
    model.fit(x, y, batch_size=4, verbose=0, callbacks=[lam])
    assert calls == ["begin", 0, 1, "end"]
    with pytest.raises(TypeError, match="Callback instances"):
        model.fit(x, y, verbose=0, callbacks=[lambda: None])


def test_stop_training_from_a_batch_hook():
    class StopAfterTwo(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    model = _model()
    x, y = _data(32)
    history = model.fit(x, y, batch_size=4, epochs=3, verbose=0, callbacks=[StopAfterTwo()])
    assert history.epoch == [0]
    assert int(model.optimizer.iterations) == 2
    assert os.path.basename(__file__)  # the module ran from the tests folder


def test_model_checkpoint_checks_the_extension_up_front_and_saves_whole_models(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`"):
        callbacks.ModelCheckpoint(str(tmp_path / "w.h5"), save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in `.keras`"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.ckpt"))
    model = _model()
    x, y = _data()
    path = tmp_path / "model.{epoch}.keras"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.ModelCheckpoint(str(path))])
    assert (tmp_path / "model.1.keras").exists() and (tmp_path / "model.2.keras").exists()
    restored = keras.models.load_model(str(tmp_path / "model.2.keras"))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_model_checkpoint_every_n_batches(tmp_path):
    model = _model()
    x, y = _data(32)
    saved = []
    model.save_weights = lambda path, overwrite=True: saved.append(os.path.basename(path))
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_freq=3,
                                           save_weights_only=True)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[checkpoint])  # 4 batches per epoch
    assert saved == ["e1-b3.weights.h5", "e2-b2.weights.h5"]
