"""Every callback hook receives a dict of logs, never None, as in Keras 3."""
import numpy as np

import minikeras as keras
from tests.engine.training_models import binary_data, mlp

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
         "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"]


class RecordLogs(keras.callbacks.Callback):
    """Records (hook, logs) for every hook; each hook is defined on the class, as a user's is."""

    def __init__(self):
        super().__init__()
        self.seen = []


def _recorder(name):
    def hook(self, *args):
        self.seen.append((name, args[-1]))
    return hook


for _name in HOOKS:
    setattr(RecordLogs, _name, _recorder(_name))


def test_every_hook_of_fit_evaluate_and_predict_gets_a_dict():
    x, y = binary_data(32)
    model = mlp()
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    record = RecordLogs()
    model.fit(x, y, batch_size=16, epochs=2, validation_data=(x, y), verbose=0, callbacks=[record])
    model.evaluate(x, y, verbose=0, callbacks=[record])
    model.predict(x, verbose=0, callbacks=[record])
    assert {name for name, _ in record.seen} == set(HOOKS)
    assert all(isinstance(logs, dict) for _, logs in record.seen), [n for n, l in record.seen if l is None]
    begins = [logs for name, logs in record.seen if name.endswith("_begin")]
    assert all(logs == {} for logs in begins)
    ends = dict(record.seen[::-1])
    assert set(ends["on_epoch_end"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert set(ends["on_train_batch_end"]) == {"loss", "accuracy"}
    assert set(ends["on_test_end"]) == {"loss", "accuracy"}
    assert list(ends["on_predict_batch_end"]) == ["outputs"]


def test_a_callback_changing_its_logs_does_not_change_the_history():
    class Scribble(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            logs["scribbled"] = 1.0

        def on_train_batch_end(self, batch, logs=None):
            logs["loss"] = -1.0

    x, y = binary_data(32)
    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[Scribble()]).history
    assert list(history) == ["loss"] and all(v > 0 for v in history["loss"])
    assert np.isfinite(history["loss"]).all()
