"""Chapter 16, exercise ch16.callbacks: reference solution."""

import math

import minikeras as keras


class BatchLossLogger(keras.callbacks.Callback):
    """Record ``logs["loss"]`` after every training batch, in ``self.batch_losses``."""

    def on_train_begin(self, logs=None):
        """Reference solution."""
        self.batch_losses = []

    def on_train_batch_end(self, batch, logs=None):
        """Reference solution."""
        self.batch_losses.append(float(logs["loss"]))


class BestWeightsSaver(keras.callbacks.Callback):
    """Save the model's weights to ``filepath`` whenever ``monitor`` reaches a new minimum."""

    def __init__(self, filepath, monitor="val_loss"):
        """Reference solution."""
        super().__init__()
        self.filepath = filepath
        self.monitor = monitor

    def on_train_begin(self, logs=None):
        """Reference solution."""
        self.best = math.inf
        self.saved_epochs = []

    def on_epoch_end(self, epoch, logs=None):
        """Reference solution."""
        current = (logs or {}).get(self.monitor)
        if current is not None and current < self.best:
            self.best = current
            self.model.save_weights(self.filepath)
            self.saved_epochs.append(epoch)


def load_best(build_model, filepath):
    """Reference solution."""
    model = build_model()
    model.load_weights(filepath)
    return model
