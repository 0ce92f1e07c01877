"""Training and inference methods of ``Model``: compile, fit, evaluate, predict.

The work is split as Keras 3 splits its ``trainers/``:

* ``compile_utils.py`` resolves what ``compile`` was given into one ``CompiledOutput`` per
  model output (loss, weight, metrics, log names);
* ``data_adapters/`` turns the data into checked arrays once and serves the batches;
* ``epoch_iterator.py`` decides how many batches an epoch takes (``steps_per_epoch``);
* ``keras_steps.py`` holds Keras 3's overridable steps (``train_step``, ``compute_loss``...);
* ``loops.py`` holds ``fit``, ``evaluate`` and ``predict``, which call the steps;
* this module holds compile and the fast steps.

``fit`` calls the subclass's ``train_step`` when it overrides one of Keras's step methods
or ``metrics``, and uses the dict it returns as the logs. Otherwise the loops run
``_train_step`` and ``_test_step``: the same computation on the checked arrays, without
repacking each batch into Keras's ``(x, y, sample_weight)`` layout.

A training step is a forward pass under a ``GradientTape``, the weighted sum of the output
losses plus the weight penalties, ``tape.gradient`` and one optimizer update; the metrics
are then updated with numpy outside the tape. Nothing that cannot change between steps is
recomputed per step: the trainable weights are collected at compile time (as Keras 2 does:
recompile after changing ``trainable``), and the data is converted to the model's dtypes
once per ``fit``.
"""
import numbers

import numpy as np

from .. import metrics as metrics_module
from .. import optimizers, tree
from ..kernels.blas import limited_blas_threads
from ..ops.tape import GradientTape
from ..ops.tensor import Tensor
from . import compile_utils
from .data_adapters.data_adapter_utils import (as_array, check_lengths, pack_x_y_sample_weight,
                                               standardize_inputs, standardize_sample_weights,
                                               standardize_targets)
from .input_checks import input_keys
from .keras_steps import KerasSteps, as_value
from .loops import Loops, as_numpy

_COMPILE_ARGS = {"run_eagerly", "jit_compile", "steps_per_execution", "auto_scale_loss",
                 "sample_weight_mode", "target_tensors"}


class Trainer(KerasSteps, Loops):
    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._outputs = None       # [CompiledOutput], once the outputs are known
        self._loss_tracker = None
        self._compile_metrics = None
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
            structure = self.graph.output_structure
            names = tree.sorted_keys(structure) if isinstance(structure, dict) else list(self.output_names)
            shapes = [tuple(t.shape) for t in self.outputs]
        else:
            shapes = output_shapes
            names = [self.name] if len(shapes) == 1 else [f"output_{i + 1}" for i in range(len(shapes))]
        self._outputs = compile_utils.resolve_outputs(self._compile_args, names, shapes)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._compile_metrics = compile_utils.CompileMetrics(self._outputs, self._split_targets)
        self._metrics_built = False

    def _nothing_compiled(self):
        """compile() named no loss and no metric: only a custom step or add_loss trains the model."""
        args = self._compile_args
        return args["loss"] is None and not args["metrics"] and not args["weighted_metrics"]

    def _collect_weights(self):
        """The variables training updates and the weight penalties, fixed at compile time."""
        self._train_vars = list(self.trainable_weights)
        self._regularized = [(w, w.regularizer) for w in self.weights
                             if getattr(w, "regularizer", None) is not None]
        self._all_layers = _all_layers(self)

    # ---------------------------------------------------------------- metrics and logs
    @property
    def metrics(self):
        """What ``reset_metrics`` resets and ``compute_metrics`` reports: the loss tracker (named
        ``loss``), the per-output loss trackers, then ``compile_metrics``, one object holding
        every metric given to compile (as in Keras 3: ``update_state(y, y_pred)`` updates them
        all, ``result()`` is a dict). A subclass may return its own list instead."""
        if self._loss_tracker is None:
            return []
        found = [self._loss_tracker] + [o.tracker for o in self._outputs or [] if o.tracker is not None]
        if any(o.metric_specs or o.weighted_specs for o in self._outputs or []):
            found.append(self._compile_metrics)
        return found

    @property
    def metrics_names(self):
        return compile_utils.log_names(self._outputs, self._compile_args["loss"]) if self._outputs else []

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
        return self.graph is not None

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
        self._build_for_data(xs[0].shape)

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
        """Check and convert one set of data: (inputs, targets per output, weights per output, n).

        A model without a graph that was compiled with nothing to compare (a custom
        ``train_step`` with its own losses) is never called here: its ``call`` may not even
        exist (a GAN's). Its targets and weights are then only converted, one array per leaf."""
        xs = standardize_inputs(self, x, self._has_graph())
        if not self._has_graph() and self._outputs is None and self._nothing_compiled():
            self._build_from_data(xs)
            if not self._has_graph():
                self._outputs = []
                self._loss_tracker = metrics_module.Mean(name="loss")
                self._metrics_built = True
        if not self._has_graph() and self._outputs != []:
            self._complete_from_data(xs)
        if self._outputs is None:
            self._build_outputs()
        if self._train_vars is None:
            self._collect_weights()
        if not self._outputs:
            ys = [as_array(v, None, "targets") for v in tree.flatten(y)] if y is not None else []
            sws = [as_array(v, "float32", "sample_weight") for v in tree.flatten(sample_weight)] \
                if sample_weight is not None else []
            return xs, ys, sws, check_lengths(xs, self._input_names(), [], [], [])
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

    # ================================================================ the steps (fast path)
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
        """The model's outputs on one batch, in inference mode (each batch a new call: the
        losses layers add are those of this batch)."""
        self._clear_losses()
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

    # ---------------------------------------------------------------- which steps run
    def _overridden(self, *names):
        cls = type(self)
        return any(getattr(cls, name) is not getattr(Trainer, name) for name in names)

    def _train_function(self):
        """``step(batch) -> logs or None``: the subclass's ``train_step`` if it customises training,
        else the fast path (whose logs the loop reads only when a callback wants them)."""
        if self._overridden("train_step", "compute_loss", "compute_metrics", "get_metrics_result", "metrics"):
            return lambda batch: _pythonify_logs(self.train_step(self._keras_batch(batch)), "train_step")
        return lambda batch: self._train_step(*batch)

    def _test_function(self):
        if self._overridden("test_step", "compute_loss", "compute_metrics", "get_metrics_result", "metrics"):
            def step(batch):
                self._clear_call_losses()
                return _pythonify_logs(self.test_step(self._keras_batch(batch)), "test_step")
            return step
        return lambda batch: self._test_step(*batch)

    def _predict_function(self):
        if self._overridden("predict_step"):
            return lambda xs: self.predict_step(pack_x_y_sample_weight(self._pack_inputs(xs)))
        return self._predict_step

    def _keras_batch(self, batch):
        """A checked batch ``(xs, ys, sws, n)`` repacked as Keras hands it to ``train_step``."""
        xs, ys, sws, _ = batch
        self._clear_call_losses()
        y = self._pack_outputs(ys) if any(v is not None for v in ys) else None
        sw = self._pack_outputs(sws) if any(v is not None for v in sws) else None
        return pack_x_y_sample_weight(self._pack_inputs(xs), y, sw)

    def _pack_inputs(self, xs):
        """The checked inputs as the model was built to take them: a dict (keyed as the dict of
        Inputs was), a list for several inputs, one array for one."""
        built_from = getattr(self, "_input_structure", None)
        if built_from is None:   # a model that keeps its structure on its graph object
            built_from = getattr(getattr(self, "graph", None), "input_structure", None)
        if self._has_graph() and isinstance(built_from, dict):
            return dict(zip(input_keys(self), xs))
        return xs[0] if len(xs) == 1 else list(xs)

    def _pack_outputs(self, values):
        return values[0] if len(values) == 1 else list(values)

    # ================================================================ single batches
    def predict_on_batch(self, x):
        xs = standardize_inputs(self, x, self._has_graph())
        self._build_from_data(xs)
        out = self._predict_function()(xs)
        return tree.pack_sequence_as(out, as_numpy(out))

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on one batch; returns its loss (and metrics, as evaluate does)."""
        return self._on_batch(self._train_function, "train_on_batch", x, y, sample_weight, class_weight,
                              return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return self._on_batch(self._test_function, "test_on_batch", x, y, sample_weight, None, return_dict)

    def _on_batch(self, step_function, method, x, y, sample_weight, class_weight, return_dict):
        self._assert_compiled(method)
        batch = self._prepare(x, y, sample_weight, class_weight, method)
        self.reset_metrics()
        logs = step_function()(batch)
        logs = self._as_logs(logs)
        return logs if return_dict else compile_utils.flat_results(logs, self.metrics_names)


def _pythonify_logs(logs, method):
    """The dict a custom step returned, flattened (a nested dict contributes its entries) and
    with scalar values as Python floats, as Keras passes logs to callbacks."""
    if not isinstance(logs, dict):
        raise TypeError(f"`{method}` must return a dict of metric values (e.g. "
                        f"{{'loss': ...}}), received {type(logs).__name__}.")
    found = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            found.update(_pythonify_logs(value, method))
            continue
        value = as_value(value)
        if isinstance(value, numbers.Number) or np.ndim(value) == 0:
            value = float(value)
        found[key] = value
    return found


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
