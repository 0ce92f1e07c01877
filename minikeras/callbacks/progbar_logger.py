"""``ProgbarLogger``: prints ``Epoch 1/10`` and the progress bar; ``fit`` adds it when verbose."""
from ..common.progbar import Progbar, dynamic_display
from .callback import Callback


class ProgbarLogger(Callback):
    def __init__(self):
        super().__init__()
        self.progbar = None
        self._in_fit = False
        self.epochs = 1
        self.seen = 0

    def _skips_batch_hooks(self):
        """Without a terminal to redraw in, the bar shows only its last line: no batch work,
        unless the number of steps is unknown (a generator) and the batches must be counted."""
        return (self.verbose != 1 or not dynamic_display()) and self.params.get("steps") is not None

    @property
    def verbose(self):
        return self.params.get("verbose", 1)

    def _new_bar(self, steps):
        self.seen = 0
        self.progbar = Progbar(target=steps, verbose=self.verbose, unit_name="step")

    def _in_display_order(self, logs):
        """The ``(name, value)`` pairs the bar shows. The logs come with their keys sorted (as
        Keras 3 gives them to callbacks); the bar keeps its reading order: ``loss`` and the
        model's other ``metrics_names`` first, in that order, then their ``val_`` versions,
        then anything else (a custom step's keys)."""
        logs = logs or {}
        names = list(getattr(self.model, "metrics_names", None) or []) if self.model is not None else []
        order = names + ["val_" + name for name in names]
        shown = [(key, logs[key]) for key in order if key in logs]
        return shown + [(key, value) for key, value in logs.items() if key not in order]

    def on_train_begin(self, logs=None):
        self._in_fit = True
        self.epochs = self.params.get("epochs", 1)

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar(self.params.get("steps"))
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, self._in_display_order(logs), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.seen or self.params.get("steps") or 0, self._in_display_order(logs),
                            finalize=True)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar(self.params.get("steps"))

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self.seen = batch + 1
            self.progbar.update(self.seen, self._in_display_order(logs), finalize=False)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self.progbar.update(self.seen or self.params.get("steps") or 0, self._in_display_order(logs),
                                finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps"))

    def on_predict_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, finalize=False)

    def on_predict_end(self, logs=None):
        self.progbar.update(self.seen or self.params.get("steps") or 0, finalize=True)
