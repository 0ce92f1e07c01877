"""Training and inference methods of ``Model``: compile, fit, evaluate, predict.

The work is split as Keras 3 splits its ``trainers/``:

* ``compile_utils.py`` resolves what ``compile`` was given into one ``CompiledOutput`` per
  model output (loss, weight, metrics, log names);
* ``data_adapters/`` turns the data into checked arrays once and serves the batches;
* this module holds the step and the loops.

A training step is a forward pass under a ``GradientTape``, the weighted sum of the output
losses plus the weight penalties, ``tape.gradient`` and one optimizer update; the metrics
are then updated with numpy outside the tape. Nothing that cannot change between steps is
recomputed per step: the trainable weights are collected at compile time (as Keras 2 does:
recompile after changing ``trainable``), and the data is converted to the model's dtypes
once per ``fit``.
"""
import functools
import warnings

import numpy as np

from .. import metrics as metrics_module
from .. import optimizers, tree
from ..callbacks import CallbackList
from ..kernels.blas import limited_blas_threads
from ..ops.tape import GradientTape
from ..ops.tensor import Tensor
from . import compile_utils
from .data_adapters import get_data_adapter
from .data_adapters.data_adapter_utils import (check_batch_size, check_lengths, standardize_inputs,
                                               standardize_sample_weights, standardize_targets,
                                               unpack_validation_data)
from .input_checks import input_keys

_COMPILE_ARGS = {"run_eagerly", "jit_compile", "steps_per_execution", "auto_scale_loss",
                 "sample_weight_mode", "target_tensors"}


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._outputs = None       # [CompiledOutput], once the outputs are known
        self._loss_tracker = None
        self._train_vars = None

    # ================================================================ compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, **kwargs):
        """Configure training: the optimizer, one loss per output (a single value, a list, or a
        dict keyed by output name), optional ``loss_weights`` and ``metrics``."""
        unknown = set(kwargs) - _COMPILE_ARGS
        if unknown:
            raise TypeError(f"compile() got unexpected keyword argument(s) {sorted(unknown)}.")
        if kwargs.get("steps_per_execution", 1) != 1:
            raise ValueError("minikeras runs every step eagerly: steps_per_execution must be 1.")
        self.optimizer = optimizers.get(optimizer)
        compile_utils.check_identifiers(loss, metrics, weighted_metrics)
        self._compile_args = dict(loss=loss, metrics=metrics, loss_weights=loss_weights,
                                  weighted_metrics=weighted_metrics)
        self._compile_config = compile_utils.compile_config(optimizer, self.optimizer, loss, metrics,
                                                            loss_weights, weighted_metrics)
        self._outputs = None
        self._train_vars = None
        self.compiled = True
        self.stop_training = False
        if self._has_graph():
            self._build_outputs()
            self._collect_weights()

    def get_compile_config(self):
        """The arguments given to compile, as JSON-friendly values (for saving)."""
        return dict(self._compile_config) if self.compiled else None

    def compile_from_config(self, config):
        self.compile(**compile_utils.compile_args_from_config(config))

    def _assert_compiled(self, method):
        if not self.compiled or self.optimizer is None:
            raise RuntimeError(f"You must compile your model before training/testing. Use "
                               f"`model.compile(optimizer, loss)` before calling `{method}()`.")

    def _build_outputs(self, output_shapes=None):
        """Match the compiled losses, weights and metrics to the model's outputs."""
        if self._has_graph():
            structure = getattr(self, "_output_structure", None)
            names = list(structure) if isinstance(structure, dict) else list(self.output_names)
            shapes = [tuple(t.shape) for t in self.outputs]
        else:
            shapes = output_shapes
            names = [self.name] if len(shapes) == 1 else [f"output_{i + 1}" for i in range(len(shapes))]
        self._outputs = compile_utils.resolve_outputs(self._compile_args, names, shapes)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._metrics_built = False

    def _collect_weights(self):
        """The variables training updates and the weight penalties, fixed at compile time."""
        self._train_vars = list(self.trainable_weights)
        self._regularized = [(w, w.regularizer) for w in self.weights
                             if getattr(w, "regularizer", None) is not None]
        self._all_layers = _all_layers(self)

    # ---------------------------------------------------------------- metrics and logs
    @property
    def metrics(self):
        """The loss tracker, per-output loss trackers, then the compiled metrics."""
        if not self._outputs:
            return []
        found = [self._loss_tracker] + [o.tracker for o in self._outputs if o.tracker is not None]
        return found + [m for o in self._outputs for _, m, _ in o.metrics]

    @property
    def metrics_names(self):
        return compile_utils.log_names(self._outputs) if self._outputs else []

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def _logs(self):
        return compile_utils.logs(self._loss_tracker, self._outputs)

    # ================================================================ the model behind the trainer
    # The one place that asks what kind of model this is: a functional model has declared
    # Inputs and a graph the trainer runs directly; a subclassed one is called; a Sequential
    # without an input shape builds its graph from the first data.
    def _has_graph(self):
        return getattr(self, "_is_graph_network", False)

    def _call_model(self, xs, training):
        """Run the model on checked arrays (one per input); its outputs as it returns them."""
        if self._has_graph():
            return self._run_nodes([Tensor(x) for x in xs], training=training)
        return self(xs[0] if len(xs) == 1 else xs, training=training)

    def _forward(self, xs, training):
        """The model's outputs as a list of Tensors in output order."""
        return tree.flatten(self._call_model(xs, training))

    def _build_from_data(self, xs):
        """A Sequential without an input shape gets its graph from the data's shape."""
        if not self._has_graph() and getattr(self, "_stack", None) is not None:
            self._maybe_build(xs[0].shape)

    def _complete_from_data(self, xs):
        """A model without a graph learns its outputs from the first data: a Sequential builds
        its graph; a subclassed model is called on one sample to find the outputs' shapes."""
        self._build_from_data(xs)
        if not self._has_graph() and self._outputs is None:
            probe = self._forward([x[:1] for x in xs], training=False)
            self._build_outputs([(None,) + tuple(t.shape[1:]) for t in probe])
        if not self._train_vars:
            self._collect_weights()

    def _input_names(self):
        return input_keys(self) if self._has_graph() else None

    def _prepare(self, x, y, sample_weight=None, class_weight=None, method="fit"):
        """Check and convert one set of data: (inputs, targets per output, weights per output, n)."""
        xs = standardize_inputs(self, x, self._has_graph())
        if not self._has_graph():
            self._complete_from_data(xs)
        if self._outputs is None:
            self._build_outputs()
        if self._train_vars is None:
            self._collect_weights()
        ys = standardize_targets(self.name, self._outputs, y, method)
        sws = standardize_sample_weights(self.name, self._outputs, sample_weight, class_weight, ys)
        n = check_lengths(xs, self._input_names(), ys, sws, self._outputs)
        if not self._metrics_built:
            compile_utils.build_metrics(self._outputs, ys)
            self._metrics_built = True
        return xs, ys, sws, n

    def _prepare_inputs(self, x, y=None, sample_weight=None, class_weight=None):
        """Inputs only, for predict: ``(xs, [], [], n)``."""
        xs = standardize_inputs(self, x, self._has_graph())
        self._build_from_data(xs)
        n = check_lengths(xs, self._input_names(), [], [], [])
        if n == 0:
            raise ValueError(f"Model {self.name}: predict() received no samples.")
        return xs, [], [], n

    # ================================================================ the steps
    @limited_blas_threads
    def _train_step(self, xs, ys, sws, n):
        """One update on one batch: forward, loss, gradient, optimizer; then the metrics."""
        self._clear_call_losses()
        with GradientTape() as tape:
            predictions = self._forward(xs, training=True)
            total, per_output = self._compute_loss(ys, predictions, sws)
        grads = tape.gradient(total, self._train_vars)
        pairs = [(g.value, v) for g, v in zip(grads, self._train_vars) if g is not None]
        if pairs:
            self.optimizer._apply_arrays([g for g, _ in pairs], [v for _, v in pairs])
        self._update_metrics(total, per_output, ys, predictions, sws, n)

    @limited_blas_threads
    def _test_step(self, xs, ys, sws, n):
        self._clear_call_losses()
        predictions = self._forward(xs, training=False)
        total, per_output = self._compute_loss(ys, predictions, sws)
        self._update_metrics(total, per_output, ys, predictions, sws, n)

    @limited_blas_threads
    def _predict_step(self, xs):
        """The model's outputs on one batch, in inference mode."""
        return self._call_model(xs, training=False)

    def _clear_call_losses(self):
        for layer in self._all_layers:
            if layer._call_losses:
                layer._call_losses.clear()

    def _compute_loss(self, ys, predictions, sws):
        """Weighted sum of the output losses plus weight penalties and add_loss terms."""
        total, per_output = compile_utils.output_losses(self._outputs, ys, predictions, sws, self.name)
        for var, regularizer in self._regularized:
            penalty = regularizer(var)
            total = penalty if total is None else total + penalty
        for layer in self._all_layers:
            for extra in layer._call_losses:
                total = extra if total is None else total + extra
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        if not isinstance(total, Tensor):
            total = Tensor(np.asarray(total, dtype="float32"))
        return total, per_output

    def _update_metrics(self, total, per_output, ys, predictions, sws, n):
        self._loss_tracker.add(float(total.value), n)
        compile_utils.update_metrics(self._outputs, per_output, ys, predictions, sws, n)

    # ================================================================ the loops
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq=1):
        """Train for ``epochs`` epochs on arrays; returns a ``History``.

        1. check the arguments, then the data, once (the adapter serves checked batches);
        2. the validation data: given, or the last ``validation_split`` of the data;
        3. every epoch: one ``_train_step`` per batch, then the validation epoch, with the
           callbacks called around each.
        """
        self._assert_compiled("fit")
        for arg, value in (("steps_per_epoch", steps_per_epoch), ("validation_steps", validation_steps)):
            if value is not None:
                raise ValueError(f"minikeras fits numpy arrays: `{arg}` is not supported (it is set by "
                                 "the data size and batch_size).")
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        data = get_data_adapter(self.name, x, y, sample_weight, class_weight, prepare=self._prepare,
                                batch_size=batch_size)
        self._warn_if_trainable_changed()

        val = None
        if validation_data is not None:
            vx, vy, vsw = unpack_validation_data(validation_data)
            val = get_data_adapter(self.name, vx, vy, vsw, prepare=self._prepare,
                                   batch_size=validation_batch_size or batch_size)
        elif validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"`validation_split` must be between 0 and 1, received {validation_split}.")
            data, val = data.split(validation_split, validation_batch_size or batch_size)
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch', received {shuffle!r}.")

        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=data.num_batches)
        batch_begin, batch_end = cbs.wants("on_train_batch_begin"), cbs.wants("on_train_batch_end")
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step, (bx, by, bw, size) in enumerate(data.batches(shuffle)):
                if batch_begin:
                    cbs.on_train_batch_begin(step)
                self._train_step(bx, by, bw, size)
                if batch_end:
                    cbs.on_train_batch_end(step, self._logs())
                if self.stop_training:
                    break
            epoch_logs = self._logs()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._test_epoch(val, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        return self.history

    def _warn_if_trainable_changed(self):
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
        ``[loss, ...]`` in ``metrics_names`` order (or a dict with ``return_dict=True``)."""
        self._assert_compiled("evaluate")
        if steps is not None:
            raise ValueError("minikeras evaluates numpy arrays: `steps` is not supported.")
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        prepare = functools.partial(self._prepare, method="evaluate")
        data = get_data_adapter(self.name, x, y, sample_weight, prepare=prepare, batch_size=batch_size)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=data.num_batches)
        logs = self._test_epoch(data, cbs)
        return logs if return_dict else _flat_results(logs)

    def _test_epoch(self, data, cbs):
        self.reset_metrics()
        cbs.on_test_begin()
        batch_end = cbs.wants("on_test_batch_end")
        for step, (bx, by, bw, size) in enumerate(data.batches()):
            self._test_step(bx, by, bw, size)
            if batch_end:
                cbs.on_test_batch_end(step, self._logs())
        logs = self._logs()
        cbs.on_test_end(logs)
        return logs

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Run the model on ``x`` in batches of ``batch_size`` (32) and return numpy arrays."""
        if steps is not None:
            raise ValueError("minikeras predicts on numpy arrays: `steps` is not supported.")
        batch_size = check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        data = get_data_adapter(self.name, x, prepare=self._prepare_inputs, batch_size=batch_size)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=data.num_batches)
        cbs.on_predict_begin()
        batch_end = cbs.wants("on_predict_batch_end")
        pieces, structure = [], None
        for step, (bx, _, _, _) in enumerate(data.batches()):
            out = self._predict_step(bx)
            structure = out if structure is None else structure
            flat = _as_numpy(out)
            pieces.append(flat)
            if batch_end:
                cbs.on_predict_batch_end(step, {"outputs": flat})
        joined = [np.concatenate(parts, axis=0) for parts in zip(*pieces)]
        cbs.on_predict_end()
        return tree.pack_sequence_as(structure, joined)

    # ================================================================ single batches
    def predict_on_batch(self, x):
        xs = standardize_inputs(self, x, self._has_graph())
        self._build_from_data(xs)
        out = self._predict_step(xs)
        return tree.pack_sequence_as(out, _as_numpy(out))

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on one batch; returns its loss (and metrics, as evaluate does)."""
        return self._on_batch(self._train_step, "train_on_batch", x, y, sample_weight, class_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return self._on_batch(self._test_step, "test_on_batch", x, y, sample_weight, None, return_dict)

    def _on_batch(self, step, method, x, y, sample_weight, class_weight, return_dict):
        self._assert_compiled(method)
        xs, ys, sws, n = self._prepare(x, y, sample_weight, class_weight, method)
        self.reset_metrics()
        step(xs, ys, sws, n)
        logs = self._logs()
        return logs if return_dict else _flat_results(logs)


def _all_layers(model):
    """Every layer inside ``model``, nested models' layers included (each once)."""
    seen, out, stack = set(), [], list(model._sublayers())
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        stack.extend(layer._sublayers())
    return out


def _as_numpy(outputs):
    return [np.asarray(o.value if isinstance(o, Tensor) else o) for o in tree.flatten(outputs)]


def _flat_results(logs):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
