"""The loops of ``Model``: ``fit``, ``evaluate`` and ``predict``.

A loop asks a data adapter for batches (``data_adapters/``), an ``EpochIterator`` for how many
to take per epoch, and the ``Trainer`` for a step function; it calls the callbacks around each
epoch and each batch. That is all a loop does: the step itself (forward, loss, gradients,
update, metrics) lives in ``trainer.py``, so the loops read like the loop of a textbook.

``Loops`` is a base class of ``Trainer`` (and so of ``Model``). It uses the trainer's
``_train_function`` / ``_test_function`` / ``_predict_function``, ``_prepare`` (checks one set
of data), ``_logs`` (the compiled metrics' results) and ``reset_metrics``.
"""
import functools
import warnings

import numpy as np

from .. import tree
from . import compile_utils
from ..callbacks import CallbackList
from ..kernels.blas import limited_blas_threads
from ..ops.tensor import Tensor
from .data_adapters import ArrayDataAdapter, PyDatasetAdapter, get_data_adapter
from .data_adapters.data_adapter_utils import check_batch_size, is_dataset_like, unpack_validation_data
from .data_adapters.generator_data_adapter import source_kind
from .epoch_iterator import EpochIterator


class Loops:
    """``fit``, ``evaluate``, ``predict`` over batches from a data adapter."""

    def _as_logs(self, step_logs):
        """The logs callbacks and the caller see after a step: the dict a custom ``train_step``
        returned, or (for the built-in step, which returns None) the compiled metrics' results;
        keys sorted, as Keras 3's callbacks see them."""
        return compile_utils.sorted_logs(step_logs) if step_logs is not None else self._logs()

    def _steps(self, batches, step_function, cbs, mode):
        """Run ``step_function`` on each batch between the batch hooks of ``mode`` ("train" or
        "test"), yielding each step's logs. A hook no callback defines is not called at all,
        so a plain ``fit`` does no per-batch callback work."""
        begin_hook, end_hook = f"on_{mode}_batch_begin", f"on_{mode}_batch_end"
        begin, end = cbs.wants(begin_hook), cbs.wants(end_hook)
        for step, batch in batches:
            if begin:
                getattr(cbs, begin_hook)(step, {})
            logs = step_function(batch)
            if end:
                getattr(cbs, end_hook)(step, self._as_logs(logs))
            yield logs

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq=1):
        """Train for ``epochs`` epochs; returns a ``History``.

        ``x`` is arrays (with ``y``), or a source of whole batches (a generator, an iterable
        such as a torch ``DataLoader``, a ``PyDataset``) yielding ``(x, y[, sample_weight])``.

        1. check the arguments; the adapter checks arrays once, or each batch as it arrives;
        2. the validation data: given (arrays or a source of batches), or the last
           ``validation_split`` of the arrays;
        3. every epoch: one training step per batch (``steps_per_epoch`` of them, if given),
           then the validation epoch, with the callbacks called around each.
        """
        # 1. the arguments, and the training data's adapter
        self._assert_compiled("fit")
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch', received {shuffle!r}.")
        data = get_data_adapter(self.name, x, y, sample_weight, class_weight, prepare=self._prepare,
                                batch_size=batch_size)
        if not isinstance(data, ArrayDataAdapter) and shuffle is True and not isinstance(data, PyDatasetAdapter):
            warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was provided as a "
                          f"{source_kind(x)}. It is expected to yield already-shuffled data.", stacklevel=2)
        self._warn_if_trainable_changed()

        # 2. the validation data
        val = None
        if validation_data is not None:
            vx, vy, vsw = (validation_data, None, None) if _is_batch_source(validation_data) \
                else unpack_validation_data(validation_data)
            val = get_data_adapter(self.name, vx, vy, vsw, prepare=self._prepare,
                                   batch_size=validation_batch_size or batch_size)
        elif validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"`validation_split` must be between 0 and 1, received {validation_split}.")
            data, val = data.split(validation_split, validation_batch_size or batch_size)
        train_batches = EpochIterator(data, steps_per_epoch, shuffle)
        val_batches = EpochIterator(val, validation_steps) if val is not None else None

        # 3. the epochs, the callbacks around each epoch and each batch
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=train_batches.num_batches)
        self.stop_training = False
        cbs.on_train_begin({})
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            train_step = self._train_function()
            cbs.on_epoch_begin(epoch, {})
            logs = None
            for logs in self._steps(train_batches, train_step, cbs, "train"):
                if self.stop_training:
                    break
            if train_batches.ran_out:
                self.stop_training = True   # a used-up generator: nothing to train on any more
                break
            epoch_logs = self._as_logs(logs)
            if val_batches is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._test_epoch(val_batches, cbs)
                epoch_logs = compile_utils.sorted_logs({**epoch_logs, **{"val_" + k: v for k, v in val_logs.items()}})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(dict(epoch_logs))
        return self.history

    def _warn_if_trainable_changed(self):
        if self._train_vars is None:   # not known until the first batch of a source of batches
            return
        current = {id(w) for w in self.trainable_weights}
        if current != {id(w) for w in self._train_vars}:
            warnings.warn(
                "Discrepancy between trainable weights and collected trainable weights: the `trainable` "
                "status of some layer changed since `compile()`. Training updates the weights collected "
                "at compile time; call `model.compile(...)` again to take the change into account.",
                stacklevel=3)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Loss and metrics on the data: a float if there are no metrics, else a list
        ``[loss, ...]`` in ``metrics_names`` order (or a dict with ``return_dict=True``).
        ``x`` may also be a source of batches; ``steps`` limits how many are read."""
        self._assert_compiled("evaluate")
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        prepare = functools.partial(self._prepare, method="evaluate")
        data = EpochIterator(get_data_adapter(self.name, x, y, sample_weight, prepare=prepare,
                                              batch_size=batch_size), steps)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=data.num_batches)
        logs = self._test_epoch(data, cbs)
        return logs if return_dict else compile_utils.flat_results(logs, self.metrics_names)

    def _test_epoch(self, batches, cbs):
        batches.reset()
        self.reset_metrics()
        test_step = self._test_function()
        cbs.on_test_begin({})
        logs = None
        for logs in self._steps(batches, test_step, cbs, "test"):
            pass
        logs = self._as_logs(logs)
        cbs.on_test_end(dict(logs))
        return logs

    @limited_blas_threads
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Run the model on ``x`` in batches of ``batch_size`` (32) and return numpy arrays.
        ``x`` may also be a source of batches (their targets, if any, are ignored).

        BLAS is limited once for the whole loop (``kernels/blas.py``), not once per batch:
        each change of OpenBLAS's thread count costs a few microseconds, more on a busy
        machine, and a batch of a small model takes only about a hundred."""
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        data = EpochIterator(get_data_adapter(self.name, x, prepare=self._prepare_inputs, batch_size=batch_size),
                             steps)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=data.num_batches)
        predict_step = self._predict_function()
        cbs.on_predict_begin({})
        batch_begin, batch_end = cbs.wants("on_predict_batch_begin"), cbs.wants("on_predict_batch_end")
        pieces, structure = [], None
        for step, (bx, _, _, _) in data:
            if batch_begin:
                cbs.on_predict_batch_begin(step, {})
            out = predict_step(bx)
            structure = out if structure is None else structure
            flat = as_numpy(out)
            pieces.append(flat)
            if batch_end:
                cbs.on_predict_batch_end(step, {"outputs": flat})
        if not pieces:
            raise ValueError(f"Model {self.name}: predict() received no batches.")
        joined = [np.concatenate(parts, axis=0) for parts in zip(*pieces)]
        cbs.on_predict_end({})
        return tree.pack_sequence_as(structure, joined)


def _is_batch_source(data):
    """validation_data given as a generator, an iterable of batches or a PyDataset (not a tuple)."""
    return not isinstance(data, (list, tuple)) and (is_dataset_like(data) or PyDatasetAdapter.can_handle(data))


def as_numpy(outputs):
    return [np.asarray(o.value if isinstance(o, Tensor) else o) for o in tree.flatten(outputs)]

