"""``History``: records the logs of every epoch; ``fit`` returns it."""
from .callback import Callback


class History(Callback):
    """``history.history['loss']`` is the list of epoch losses; ``history.epoch`` the epochs."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self
