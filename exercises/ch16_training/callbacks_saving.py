"""Chapter 16, exercise ch16.callbacks: your own callbacks, and a weights file round trip.

Write two callbacks like the chapter's ``BatchLossLogger``, and the function
that restores the best weights into a fresh model. The tests run them in a real
``fit`` next to minikeras' own ``ModelCheckpoint``.
"""

import math

import minikeras as keras


class BatchLossLogger(keras.callbacks.Callback):
    """Record ``logs["loss"]`` after every training batch, in ``self.batch_losses``."""

    def on_train_begin(self, logs=None):
        """Start an empty list ``self.batch_losses`` (every ``fit`` starts afresh)."""
        raise NotImplementedError("ch16.callbacks: implement BatchLossLogger.on_train_begin")

    def on_train_batch_end(self, batch, logs=None):
        """Append ``logs["loss"]`` (the running mean of the epoch so far) as a float."""
        raise NotImplementedError("ch16.callbacks: implement BatchLossLogger.on_train_batch_end")


class BestWeightsSaver(keras.callbacks.Callback):
    """Save the model's weights to ``filepath`` whenever ``monitor`` reaches a new minimum.

    What ``ModelCheckpoint(filepath, monitor, save_best_only=True,
    save_weights_only=True)`` does, for a quantity where lower is better.
    """

    def __init__(self, filepath, monitor="val_loss"):
        """Call ``super().__init__()`` and store ``filepath`` and ``monitor``."""
        raise NotImplementedError("ch16.callbacks: implement BestWeightsSaver.__init__")

    def on_train_begin(self, logs=None):
        """Reset ``self.best = math.inf`` and ``self.saved_epochs = []``."""
        raise NotImplementedError("ch16.callbacks: implement BestWeightsSaver.on_train_begin")

    def on_epoch_end(self, epoch, logs=None):
        """If ``logs[self.monitor]`` is lower than ``self.best``: remember it, write the
        weights with ``self.model.save_weights(self.filepath)`` and append ``epoch``
        to ``self.saved_epochs``. Otherwise do nothing."""
        raise NotImplementedError("ch16.callbacks: implement BestWeightsSaver.on_epoch_end")


def load_best(build_model, filepath):
    """Return a fresh model from ``build_model()`` holding the weights saved in ``filepath``.

    ``build_model`` is a function without arguments that returns a new model with
    the right architecture; ``model.load_weights(filepath)`` fills it.
    """
    raise NotImplementedError("ch16.callbacks: implement load_best()")
