"""The training steps as Keras 3 writes them, for a subclass to override.

Keras 3's guide "Customizing what happens in fit()" overrides ``train_step(data)`` (and
``test_step``, ``predict_step``), computes the loss with ``self.compute_loss(...)`` and
updates ``self.metrics``. ``KerasSteps`` holds those methods with Keras's defaults, written
with the public pieces only: a forward pass under ``minikeras.ops.GradientTape`` (where the
guide's TensorFlow version has ``tf.GradientTape``; the torch version's ``loss.backward()``
has no minikeras equivalent), ``tape.gradient`` and ``optimizer.apply``.

``Trainer`` inherits them. Its loops call them when a subclass overrides one of them;
otherwise they run the fast path in ``trainer.py`` (the same computation on checked
arrays, without repacking every batch), so that overriding one piece, ``compute_loss``
say, keeps Keras's behaviour for the others.
"""
import warnings

import numpy as np

from .. import tree
from ..ops.tape import GradientTape
from ..ops.tensor import Tensor
from .data_adapters.data_adapter_utils import (standardize_sample_weights, standardize_targets,
                                               unpack_x_y_sample_weight)


class KerasSteps:
    """``train_step``, ``test_step``, ``predict_step``, ``compute_loss``, ``compute_metrics`` and
    ``get_metrics_result``. They use the trainer's state: ``_outputs``, ``_loss_tracker``,
    ``_compile_metrics``, ``_compute_loss`` (the compiled losses plus weight penalties and
    added losses), ``optimizer`` and ``metrics``."""

    # A subclass overrides these (Keras's "customizing what happens in fit()"). The defaults
    # compute what the fast path computes, through the public pieces, so that overriding one
    # piece (compute_loss, say) keeps the others.
    def train_step(self, data):
        """One update on one batch. ``data`` is what Keras passes: ``x``, ``(x,)``, ``(x, y)`` or
        ``(x, y, sample_weight)``, with ``x`` (and ``y``) as the model takes them. Returns the
        logs, a dict of metric values.

        1. forward pass and ``compute_loss`` under a ``GradientTape``;
        2. the loss tracker gets the batch's loss;
        3. ``tape.gradient`` and ``optimizer.apply`` on the trainable weights;
        4. ``compute_metrics`` updates the compiled metrics and returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self._loss_tracker.update_state(as_value(loss), sample_weight=_batch_size(x))
        trainable = self.trainable_weights
        if trainable:
            self.optimizer.apply(tape.gradient(loss, trainable), trainable)
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """The loss and metrics of one batch, without an update; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(as_value(loss), sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs for one batch (its ``y`` and ``sample_weight``, if any, are ignored)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss of one batch: the compiled losses of ``y`` against ``y_pred`` (each output
        weighted by ``loss_weights``), plus ``self.losses`` (weight penalties and what layers
        added with ``add_loss`` in the latest call). ``x`` is not used by this default; a
        subclass may. The per-output loss trackers of a multi-output model are updated here."""
        predictions = [p if isinstance(p, Tensor) else Tensor(np.asarray(p, dtype="float32"))
                       for p in tree.flatten(y_pred)]
        if self._outputs is None:   # a subclassed model called outside fit: its outputs are now known
            self._build_outputs([(None,) + tuple(p.shape[1:]) for p in predictions])
        if self._train_vars is None:
            self._collect_weights()
        if self._outputs:
            ys = self._split_targets(y, "compute_loss")
            sws = standardize_sample_weights(self.name, self._outputs, sample_weight, None, ys)
        else:
            ys, sws = [], []
        total, per_output = self._compute_loss(ys, predictions, sws)
        n = len(predictions[0].value) if predictions and predictions[0].value.ndim else 1
        for out, value in zip(self._outputs or [], per_output):
            if out.tracker is not None and value is not None:
                out.tracker.add(float(value.value), n)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch and return ``get_metrics_result()``."""
        if self._outputs and any(o.metric_specs or o.weighted_specs for o in self._outputs):
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """The result of every metric in ``self.metrics`` as one flat dict (a dict result, such as
        compile_metrics', contributes its entries)."""
        found = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                found.update(result)
            else:
                found[metric.name] = result
        return found

    def _split_targets(self, y, method):
        """``y`` as the model receives it (one array, a list or a dict) as one array per output."""
        return standardize_targets(self.name, self._outputs, tree.map_structure(as_value, y), method)


def as_value(x):
    """A Tensor's numpy value; anything else as it is."""
    return x.value if isinstance(x, Tensor) else x


def _batch_size(x):
    first = tree.flatten(x)[0]
    return len(as_value(first)) if np.ndim(as_value(first)) else 1
