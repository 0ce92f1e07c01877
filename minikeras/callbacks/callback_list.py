"""``CallbackList``: the training loop's one handle on all its callbacks.

The loop calls one hook on the list; the list calls it on every callback, in order. It
also adds the callbacks every ``fit`` has (``History``, the progress bar), which is why it
lives apart from ``Callback``: it builds on callbacks that are themselves ``Callback``s.
"""
from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
                "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


def _overrides(callback, hook):
    """Does this callback do anything in ``hook``? (Skipping empty hooks keeps steps lean.)"""
    if hook in vars(callback):
        return True
    return getattr(type(callback), hook) is not getattr(Callback, hook)


def _wants_hook(callback, hook):
    skip = getattr(callback, "_skips_batch_hooks", None)
    if skip is not None and skip():
        return False
    if hook.startswith("on_train_batch") and _overrides(callback, hook.replace("train_", "")):
        return True
    return _overrides(callback, hook)


class CallbackList:
    """Calls every callback's hook in order. Batch hooks run only for callbacks that define
    them, so a plain ``fit`` does no per-batch callback work beyond the progress bar."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = list(callbacks or [])
        for c in self.callbacks:
            if not isinstance(c, Callback):
                raise TypeError(f"callbacks must be keras.callbacks.Callback instances, received "
                                f"{type(c).__name__}.")
        # As in Keras 3: History after the user's callbacks (so it records what they add to
        # the logs, such as learning_rate), the progress bar last.
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.model = model
        self.params = params
        for c in self.callbacks:
            if model is not None:
                c.set_model(model)
            c.set_params(params)
        self._batch = {hook: [c for c in self.callbacks if _wants_hook(c, hook)] for hook in _BATCH_HOOKS}

    def wants(self, hook):
        """True if some callback does work in this batch hook."""
        return bool(self._batch[hook])

    def _call(self, hook, *args):
        for c in self.callbacks:
            getattr(c, hook)(*args)

    def _call_batch(self, hook, batch, logs):
        for c in self._batch[hook]:
            getattr(c, hook)(batch, logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def __iter__(self):
        return iter(self.callbacks)
