"""Training and inference methods of ``Model``: compile, fit, evaluate, predict.

``compile`` turns names into objects and records, per model output, its loss, loss
weight and metrics. ``fit`` checks the data once (names, lengths, shapes, labels), then
runs the epochs: each step is a forward pass under a ``GradientTape``, the weighted sum
of the output losses plus the weight penalties, ``tape.gradient`` and one optimizer
update. Metrics are updated with numpy outside the tape. Nothing that cannot change
between steps is recomputed per step: the trainable weights are collected at compile
time (as Keras 2 does: recompile after changing ``trainable``), and the data is
converted to the model's dtypes once per ``fit``.

Logs are named as Keras names them: ``loss``, then ``<output>_loss`` for each output of
a multi-output model, then the metrics (``accuracy``, or ``<output>_accuracy``), and
the same with ``val_`` for the validation data.
"""
import copy
import math
import warnings

import numpy as np

from .. import initializers
from ..kernels.blas import limited_blas_threads
from ..ops.tape import GradientTape
from ..ops.tensor import Tensor
from .layer import flatten, pack_like

_COMPILE_ARGS = {"run_eagerly", "jit_compile", "steps_per_execution", "auto_scale_loss",
                 "sample_weight_mode", "target_tensors"}


class _Output:
    """What was compiled for one model output."""

    def __init__(self, name, index):
        self.name = name
        self.index = index
        self.loss = None           # a losses.Loss, or None (no loss for this output)
        self.loss_kind = None      # 'binary_crossentropy' | 'categorical_...' | 'sparse_...' | None
        self.builtin_loss = False  # shape rules of the built-in losses apply
        self.weight = 1.0
        self.metric_specs = []     # identifiers given to compile, resolved at build
        self.weighted_specs = []
        self.metrics = []          # [(log name, Metric, weighted?)]
        self.tracker = None        # running mean of this output's loss (multi-output logs)
        self.shape = None          # (None, ...) of the model output


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._outputs = None
        self._loss_tracker = None
        self._train_vars = None

    # ================================================================ compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, **kwargs):
        """Configure training: the optimizer, one loss per output (a single value, a list, or a
        dict keyed by output name), optional ``loss_weights`` and ``metrics``."""
        from .. import losses as losses_module
        from .. import metrics as metrics_module
        from .. import optimizers
        unknown = set(kwargs) - _COMPILE_ARGS
        if unknown:
            raise TypeError(f"compile() got unexpected keyword argument(s) {sorted(unknown)}.")
        if kwargs.get("steps_per_execution", 1) != 1:
            raise ValueError("minikeras runs every step eagerly: steps_per_execution must be 1.")
        self.optimizer = optimizers.get(optimizer)
        # Resolve every name now, so that a typo fails here and not in fit().
        for item in _leaves(loss):
            if isinstance(item, str) and item.lower() not in ("crossentropy", "ce"):
                losses_module.get(item)
            elif item is not None and not callable(item):
                raise ValueError(f"Could not interpret loss identifier: {item!r}.")
        for item in _leaves(metrics) + _leaves(weighted_metrics):
            if not (isinstance(item, str) and item.lower() in ("accuracy", "acc")):
                metrics_module.get(item)
        self._compile_args = dict(loss=loss, metrics=metrics, loss_weights=loss_weights,
                                  weighted_metrics=weighted_metrics)
        self._compile_config = {"optimizer": optimizer if isinstance(optimizer, str)
                                else optimizers.serialize(self.optimizer),
                                "loss": _serialize_structure(loss, losses_module.serialize),
                                "metrics": _serialize_structure(metrics, metrics_module.serialize),
                                "loss_weights": loss_weights,
                                "weighted_metrics": _serialize_structure(weighted_metrics,
                                                                         metrics_module.serialize)}
        self._outputs = None
        self._train_vars = None
        self.compiled = True
        self.stop_training = False
        if self._knows_outputs():
            self._build_outputs()
            self._collect_weights()

    def get_compile_config(self):
        """The arguments given to compile, as JSON-friendly values (for saving)."""
        return dict(self._compile_config) if self.compiled else None

    def compile_from_config(self, config):
        from .. import losses as losses_module
        from .. import metrics as metrics_module
        from .. import optimizers
        optimizer = config.get("optimizer", "rmsprop")
        if isinstance(optimizer, dict):
            optimizer = optimizers.deserialize(optimizer)
        self.compile(optimizer=optimizer,
                     loss=_deserialize_structure(config.get("loss"), losses_module.deserialize),
                     metrics=_deserialize_structure(config.get("metrics"), metrics_module.deserialize),
                     loss_weights=config.get("loss_weights"),
                     weighted_metrics=_deserialize_structure(config.get("weighted_metrics"),
                                                             metrics_module.deserialize))

    def _assert_compiled(self, method):
        if not self.compiled or self.optimizer is None:
            raise RuntimeError(f"You must compile your model before training/testing. Use "
                               f"`model.compile(optimizer, loss)` before calling `{method}()`.")

    # ---------------------------------------------------------------- outputs
    def _knows_outputs(self):
        return bool(getattr(self, "_is_graph_network", False))

    def _output_names(self):
        structure = getattr(self, "_output_structure", None)
        if isinstance(structure, dict):
            return list(structure)
        return list(self.output_names)

    def _build_outputs(self, output_shapes=None):
        """Match the compiled losses, weights and metrics to the model's outputs."""
        from .. import losses as losses_module
        from .. import metrics as metrics_module
        if self._knows_outputs():
            names = self._output_names()
            shapes = [tuple(t.shape) for t in self.outputs]
        else:
            shapes = output_shapes
            names = ([self.name] if len(shapes) == 1 else [f"output_{i + 1}" for i in range(len(shapes))])
        outputs = [_Output(name, i) for i, name in enumerate(names)]
        for out, shape in zip(outputs, shapes):
            out.shape = shape
        args = self._compile_args
        for out, loss in zip(outputs, _per_output(args["loss"], names, "loss", dict_missing=None)):
            if loss is None:
                continue
            if isinstance(loss, str) and loss.lower() in ("crossentropy", "ce"):
                loss = _pick_crossentropy(out.shape)
            fn = losses_module.get(loss)
            out.loss = fn if isinstance(fn, losses_module.Loss) else losses_module.LossFunctionWrapper(
                fn, name=loss if isinstance(loss, str) else getattr(fn, "__name__", None))
            out.loss_kind = losses_module.kind_of(out.loss)
            out.builtin_loss = getattr(out.loss, "_kernel", None) is not None
        weights = args["loss_weights"]
        if weights is not None:
            if isinstance(weights, (int, float)) and len(outputs) == 1:
                weights = [weights]
            for out, w in zip(outputs, _per_output(weights, names, "loss_weights", dict_missing=1.0)):
                out.weight = float(w)
        for key, attr in (("metrics", "metric_specs"), ("weighted_metrics", "weighted_specs")):
            for out, specs in zip(outputs, _per_output_metrics(args[key], names, key)):
                setattr(out, attr, specs)
        multi = len(outputs) > 1
        for out in outputs:
            out.tracker = metrics_module.Mean(name=f"{out.name}_loss") if (multi and out.loss) else None
        self._outputs = outputs
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._metrics_built = False

    def _build_metrics(self, targets):
        """Create the metric objects; 'accuracy' needs the loss and the target's shape."""
        from .. import metrics as metrics_module
        multi = len(self._outputs) > 1
        seen = set()
        for out in self._outputs:
            out.metrics = []
            y = targets[out.index] if targets is not None else None
            for specs, weighted in ((out.metric_specs, False), (out.weighted_specs, True)):
                for spec in specs:
                    metric = _make_metric(spec, out, y, metrics_module)
                    if id(metric) in seen:  # one Metric object given for several outputs
                        metric = copy.deepcopy(metric)
                    seen.add(id(metric))
                    name = spec if isinstance(spec, str) else metric.name
                    if weighted and not isinstance(spec, str):
                        name = metric.name
                    log_name = f"{out.name}_{name}" if multi else name
                    out.metrics.append((log_name, metric, weighted))
        self._metrics_built = True

    def _collect_weights(self):
        """The variables training updates and the weight penalties, fixed at compile time."""
        self._train_vars = list(self.trainable_weights)
        self._regularized = [(w, w.regularizer) for w in self.weights
                             if getattr(w, "regularizer", None) is not None]
        self._all_layers = _all_layers(self)

    @property
    def metrics(self):
        """The loss tracker, per-output loss trackers, then the compiled metrics."""
        if not self._outputs:
            return []
        found = [self._loss_tracker] + [o.tracker for o in self._outputs if o.tracker is not None]
        return found + [m for o in self._outputs for _, m, _ in o.metrics]

    @property
    def metrics_names(self):
        return self._log_names() if self._outputs else []

    def _log_names(self):
        names = ["loss"] + [o.tracker.name for o in self._outputs if o.tracker is not None]
        return names + [name for o in self._outputs for name, _, _ in o.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def _logs(self):
        logs = {"loss": self._loss_tracker.result()}
        for out in self._outputs:
            if out.tracker is not None:
                logs[out.tracker.name] = out.tracker.result()
        for out in self._outputs:
            for name, metric, _ in out.metrics:
                result = metric.result()
                logs[name] = float(result) if np.ndim(result) == 0 else result
        return logs

    # ================================================================ data
    def _forward(self, inputs, training):
        """Run the model; a list of output Tensors in output order."""
        if getattr(self, "_is_graph_network", False):
            out = self._run_nodes([Tensor(x) for x in inputs], training=training)
        else:
            out = self(inputs[0] if len(inputs) == 1 else inputs, training=training)
        return flatten(out)

    def _ensure_built(self, xs):
        """Build an unbuilt model (Sequential without input shape, subclassed) from the data."""
        if getattr(self, "_is_graph_network", False):
            return
        if hasattr(self, "_maybe_build") and getattr(self, "_stack", None) is not None:
            self._maybe_build(xs[0].shape)      # Sequential: builds its graph
        if not getattr(self, "_is_graph_network", False) and self._outputs is None:
            probe = self._forward([x[:1] for x in xs], training=False)
            self._build_outputs([(None,) + tuple(t.shape[1:]) for t in probe])
        if self._train_vars is None or not self._train_vars:
            self._collect_weights()

    def _prepare(self, x, y, sample_weight=None, class_weight=None, method="fit"):
        """Check and convert one set of data: (inputs, targets per output, weights per output, n)."""
        xs = self._standardize_inputs(x)
        self._ensure_built(xs)
        if self._outputs is None:
            self._build_outputs()
        if self._train_vars is None:
            self._collect_weights()
        ys = self._standardize_targets(y, method)
        sws = self._standardize_sample_weights(sample_weight, class_weight, ys)
        n = _check_lengths(xs, self._input_names(), ys, sws, self._outputs)
        if not self._metrics_built:
            self._build_metrics(ys)
        return xs, ys, sws, n

    def _input_names(self):
        if getattr(self, "_is_graph_network", False):
            structure = getattr(self, "_input_structure", None)
            return list(structure) if isinstance(structure, dict) else list(self.input_names)
        return None

    def _standardize_inputs(self, x):
        """Model inputs as a list of numpy arrays in input order, checked against the Inputs."""
        if x is None:
            raise ValueError(f"Model {self.name}: no input data (x is None).")
        if _is_dataset_like(x):
            raise TypeError(f"Model {self.name}: minikeras trains on numpy arrays (or lists/dicts of them); "
                            f"received {type(x).__name__}. Convert the data to arrays first.")
        names = self._input_names()
        if names is None:  # subclassed model: no declared inputs
            arrays = [_as_array(v, None, f"input {i}") for i, v in enumerate(_as_list(x))]
            return arrays
        if isinstance(x, dict):
            missing = [k for k in names if k not in x]
            extra = [k for k in x if k not in names]
            if missing:
                raise ValueError(f"Model {self.name}: no data for input(s) {missing}. The dict keys given "
                                 f"are {list(x)}; expected {names}.")
            if extra:
                raise ValueError(f"Model {self.name}: unknown input name(s) {extra} in the data dict; the "
                                 f"model's inputs are {names}.")
            values = [x[k] for k in names]
        else:
            values = _split_structure(x, len(names))
            if len(values) != len(names):
                raise ValueError(f"Model {self.name} expects {len(names)} input(s) ({names}), but it received "
                                 f"{len(values)} array(s).")
        arrays = []
        for name, value, ref in zip(names, values, self.inputs):
            arr = _as_array(value, ref.dtype, f"input '{name}'")
            _check_shape(arr, ref.shape, f"Input '{name}' of model '{self.name}'")
            _check_finite(arr, f"Input '{name}' of model '{self.name}'")
            arrays.append(arr)
        return arrays

    def _standardize_targets(self, y, method):
        outputs = self._outputs
        names = [o.name for o in outputs]
        needs = [o.loss is not None or bool(o.metric_specs or o.weighted_specs) for o in outputs]
        if y is None:
            if any(o.loss is not None for o in outputs):
                raise ValueError(f"Model {self.name}: `{method}` needs targets `y` for output(s) "
                                 f"{[o.name for o in outputs if o.loss is not None]}, received y=None.")
            return [None] * len(outputs)
        if isinstance(y, dict):
            extra = [k for k in y if k not in names]
            if extra:
                raise ValueError(f"Model {self.name}: unknown output name(s) {extra} in the targets dict; the "
                                 f"model's outputs are {names}.")
            missing = [n for n, need in zip(names, needs) if need and n not in y]
            if missing:
                raise ValueError(f"Model {self.name}: no targets for output(s) {missing}. The dict keys given "
                                 f"are {list(y)}; expected {names}.")
            values = [y.get(n) for n in names]
        else:
            values = _split_structure(y, len(outputs))
            if len(values) != len(outputs):
                raise ValueError(f"Model {self.name} has {len(outputs)} outputs ({names}), but {len(values)} "
                                 "target arrays were given. Pass one per output, as a list in output order or "
                                 "a dict keyed by output name.")
        targets = []
        for out, value in zip(outputs, values):
            if value is None:
                targets.append(None)
                continue
            sparse = out.loss_kind == "sparse_categorical_crossentropy"
            arr = _as_array(value, None if sparse else "float32", f"targets for output '{out.name}'")
            _check_targets(arr, out, self.name)
            _check_finite(arr, f"Targets for output '{out.name}' of model '{self.name}'")
            targets.append(arr)
        return targets

    def _standardize_sample_weights(self, sample_weight, class_weight, targets):
        outputs = self._outputs
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
            if len(outputs) > 1:
                raise ValueError("`class_weight` is only supported for Models with a single output.")
            return [_class_weights_to_sample_weights(targets[0], class_weight)]
        if sample_weight is None:
            return [None] * len(outputs)
        if isinstance(sample_weight, dict):
            unknown = [k for k in sample_weight if k not in [o.name for o in outputs]]
            if unknown:
                raise ValueError(f"Model {self.name}: unknown output name(s) {unknown} in sample_weight.")
            values = [sample_weight.get(o.name) for o in outputs]
        elif isinstance(sample_weight, (list, tuple)) and len(outputs) > 1:
            values = list(sample_weight)
            if len(values) != len(outputs):
                raise ValueError(f"Model {self.name}: sample_weight has {len(values)} entries for "
                                 f"{len(outputs)} outputs.")
        else:
            values = [sample_weight] * len(outputs)
        weights = []
        for out, value in zip(outputs, values):
            if value is None:
                weights.append(None)
                continue
            arr = _as_array(value, "float32", f"sample_weight for output '{out.name}'")
            if arr.ndim == 0:
                raise ValueError(f"sample_weight for output '{out.name}' must have one weight per sample, "
                                 f"received a scalar.")
            weights.append(arr)
        return weights

    # ================================================================ steps
    @limited_blas_threads
    def _train_step(self, xs, ys, sws, n):
        """One update on one batch: forward, loss, gradient, optimizer; then the metrics."""
        for layer in self._all_layers:
            if layer._call_losses:
                layer._call_losses.clear()
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
        for layer in self._all_layers:
            if layer._call_losses:
                layer._call_losses.clear()
        predictions = self._forward(xs, training=False)
        total, per_output = self._compute_loss(ys, predictions, sws)
        self._update_metrics(total, per_output, ys, predictions, sws, n)

    def _compute_loss(self, ys, predictions, sws):
        """Weighted sum of the output losses plus weight penalties and add_loss terms."""
        total = None
        per_output = []
        for out in self._outputs:
            if out.loss is None:
                per_output.append(None)
                continue
            try:
                value = out.loss(ys[out.index], predictions[out.index], sws[out.index])
            except (ValueError, TypeError) as e:
                raise type(e)(f"Output '{out.name}' of model '{self.name}': {e}") from e
            per_output.append(value)
            term = value if out.weight == 1.0 else value * out.weight
            total = term if total is None else total + term
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
        for out, value in zip(self._outputs, per_output):
            if out.tracker is not None and value is not None:
                out.tracker.add(float(value.value), n)
            for _, metric, weighted in out.metrics:
                metric.update_state(ys[out.index], predictions[out.index].value,
                                    sws[out.index] if weighted else None)

    # ================================================================ fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq=1):
        """Train for ``epochs`` epochs on arrays; returns a ``History``."""
        from ..callbacks import CallbackList
        self._assert_compiled("fit")
        for arg, value in (("steps_per_epoch", steps_per_epoch), ("validation_steps", validation_steps)):
            if value is not None:
                raise ValueError(f"minikeras fits numpy arrays: `{arg}` is not supported (it is set by "
                                 "the data size and batch_size).")
        batch_size = _check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, ys, sws, n = self._prepare(x, y, sample_weight, class_weight, "fit")
        self._warn_if_trainable_changed()
        val = None
        if validation_data is not None:
            val = self._validation_arrays(validation_data)
        elif validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"`validation_split` must be between 0 and 1, received {validation_split}.")
            split_at = int(math.floor(n * (1.0 - validation_split)))
            if split_at == 0 or split_at == n:
                raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it "
                                 f"into a validation and training set as specified by "
                                 f"`validation_split={validation_split}`.")
            cut = lambda arrays, a, b: [None if t is None else t[a:b] for t in arrays]  # noqa: E731
            val = (cut(xs, split_at, n), cut(ys, split_at, n), cut(sws, split_at, n), n - split_at)
            xs, ys, sws, n = cut(xs, 0, split_at), cut(ys, 0, split_at), cut(sws, 0, split_at), split_at
        if shuffle not in (True, False, "batch"):
            raise ValueError(f"`shuffle` must be True, False or 'batch', received {shuffle!r}.")
        steps = max(math.ceil(n / batch_size), 1)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        batch_begin, batch_end = cbs.wants("on_train_batch_begin"), cbs.wants("on_train_batch_end")
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step, index in enumerate(_batches(n, batch_size, shuffle)):
                bx = [a[index] for a in xs]
                by = [None if a is None else a[index] for a in ys]
                bw = [None if a is None else a[index] for a in sws]
                if batch_begin:
                    cbs.on_train_batch_begin(step)
                self._train_step(bx, by, bw, len(bx[0]))
                if batch_end:
                    cbs.on_train_batch_end(step, self._logs())
                if self.stop_training:
                    break
            epoch_logs = self._logs()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_arrays(*val, validation_batch_size or batch_size, cbs)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        return self.history

    def _validation_arrays(self, validation_data):
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
            raise ValueError("`validation_data` should be a tuple `(x_val, y_val)` or "
                             f"`(x_val, y_val, val_sample_weight)`, received {type(validation_data).__name__}"
                             + (f" of length {len(validation_data)}" if isinstance(validation_data, (list, tuple))
                                else "") + ".")
        vx, vy = validation_data[0], validation_data[1]
        vsw = validation_data[2] if len(validation_data) == 3 else None
        return self._prepare(vx, vy, vsw, None, "fit")

    def _warn_if_trainable_changed(self):
        current = {id(w) for w in self.trainable_weights}
        if current != {id(w) for w in self._train_vars}:
            warnings.warn(
                "Discrepancy between trainable weights and collected trainable weights: the `trainable` "
                "status of some layer changed since `compile()`. Training updates the weights collected "
                "at compile time; call `model.compile(...)` again to take the change into account.",
                stacklevel=3)

    # ================================================================ evaluate / predict
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """Loss and metrics on the data: a float if there are no metrics, else a list
        ``[loss, ...]`` in ``metrics_names`` order (or a dict with ``return_dict=True``)."""
        from ..callbacks import CallbackList
        self._assert_compiled("evaluate")
        if steps is not None:
            raise ValueError("minikeras evaluates numpy arrays: `steps` is not supported.")
        batch_size = _check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, ys, sws, n = self._prepare(x, y, sample_weight, None, "evaluate")
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=max(math.ceil(n / batch_size), 1))
        logs = self._evaluate_arrays(xs, ys, sws, n, batch_size, cbs)
        return logs if return_dict else _flat_results(logs)

    def _evaluate_arrays(self, xs, ys, sws, n, batch_size, cbs):
        self.reset_metrics()
        cbs.on_test_begin()
        batch_end = cbs.wants("on_test_batch_end")
        for step, index in enumerate(_batches(n, batch_size, False)):
            bx = [a[index] for a in xs]
            self._test_step(bx, [None if a is None else a[index] for a in ys],
                            [None if a is None else a[index] for a in sws], len(bx[0]))
            if batch_end:
                cbs.on_test_batch_end(step, self._logs())
        logs = self._logs()
        cbs.on_test_end(logs)
        return logs

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Run the model on ``x`` in batches of ``batch_size`` (32) and return numpy arrays."""
        from ..callbacks import CallbackList
        if steps is not None:
            raise ValueError("minikeras predicts on numpy arrays: `steps` is not supported.")
        batch_size = _check_batch_size(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        xs = self._standardize_inputs(x)
        self._ensure_built_for_inference(xs)
        n = _check_lengths(xs, self._input_names(), [], [], [])
        if n == 0:
            raise ValueError(f"Model {self.name}: predict() received no samples.")
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=math.ceil(n / batch_size))
        cbs.on_predict_begin()
        batch_end = cbs.wants("on_predict_batch_end")
        pieces, structure = [], None
        for step, index in enumerate(_batches(n, batch_size, False)):
            out = self._call_for_inference([a[index] for a in xs])
            structure = out if structure is None else structure
            flat = [np.asarray(o.value if isinstance(o, Tensor) else o) for o in flatten(out)]
            pieces.append(flat)
            if batch_end:
                cbs.on_predict_batch_end(step, {"outputs": flat})
        joined = [np.concatenate(parts, axis=0) for parts in zip(*pieces)]
        cbs.on_predict_end()
        return pack_like(structure, joined)

    def predict_on_batch(self, x):
        xs = self._standardize_inputs(x)
        self._ensure_built_for_inference(xs)
        out = self._call_for_inference(xs)
        return pack_like(out, [np.asarray(o.value if isinstance(o, Tensor) else o) for o in flatten(out)])

    def _ensure_built_for_inference(self, xs):
        if not getattr(self, "_is_graph_network", False) and getattr(self, "_stack", None) is not None:
            self._maybe_build(xs[0].shape)

    @limited_blas_threads
    def _call_for_inference(self, xs):
        inputs = xs[0] if len(xs) == 1 else xs
        if getattr(self, "_is_graph_network", False):
            return self._run_nodes([Tensor(x) for x in xs], training=False)
        return self(inputs, training=False)

    # ================================================================ single batches
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on one batch; returns its loss (and metrics, as evaluate does)."""
        self._assert_compiled("train_on_batch")
        xs, ys, sws, n = self._prepare(x, y, sample_weight, class_weight, "train_on_batch")
        self.reset_metrics()
        self._train_step(xs, ys, sws, n)
        logs = self._logs()
        return logs if return_dict else _flat_results(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        xs, ys, sws, n = self._prepare(x, y, sample_weight, None, "test_on_batch")
        self.reset_metrics()
        self._test_step(xs, ys, sws, n)
        logs = self._logs()
        return logs if return_dict else _flat_results(logs)


# ==================================================================== helpers

def _leaves(structure):
    if structure is None:
        return []
    if isinstance(structure, dict):
        return [leaf for v in structure.values() for leaf in _leaves(v)]
    if isinstance(structure, (list, tuple)):
        return [leaf for v in structure for leaf in _leaves(v)]
    return [structure]


def _serialize_structure(structure, serialize):
    if structure is None or isinstance(structure, str):
        return structure
    if isinstance(structure, dict):
        return {k: _serialize_structure(v, serialize) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_serialize_structure(v, serialize) for v in structure]
    return serialize(structure)


def _deserialize_structure(structure, deserialize):
    if structure is None or isinstance(structure, str):
        return structure
    if isinstance(structure, dict) and "class_name" in structure:
        return deserialize(structure)
    if isinstance(structure, dict):
        return {k: _deserialize_structure(v, deserialize) for k, v in structure.items()}
    return [_deserialize_structure(v, deserialize) for v in structure]


def _per_output(value, names, what, dict_missing):
    """One entry per output from a single value, a list (one per output) or a dict by name."""
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected following keys: "
                             f"{names}")
        if what == "loss":
            missing = [n for n in names if n not in value]
            if missing and len(names) > 1:
                warnings.warn(f"Output(s) {missing} missing from loss dictionary. We assume this was done on "
                              "purpose: they will not contribute to the loss.", stacklevel=4)
        return [value.get(n, dict_missing) for n in names]
    if isinstance(value, (list, tuple)):
        if len(value) != len(names):
            raise ValueError(f"When passing a list as {what}, it should have one entry per model output. The "
                             f"model has {len(names)} output(s) ({names}), but you passed {what}={list(value)}.")
        return list(value)
    return [value] * len(names)


def _per_output_metrics(value, names, what):
    """Metric lists per output: a flat list applies to every output (as in Keras 2)."""
    if value is None:
        return [[] for _ in names]
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected following keys: "
                             f"{names}")
        return [_as_metric_list(value.get(n)) for n in names]
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) or v is None for v in value):
            if len(value) != len(names):
                raise ValueError(f"When passing a list of lists as {what}, it should have one list per model "
                                 f"output. The model has {len(names)} output(s), received {len(value)}.")
            return [_as_metric_list(v) for v in value]
        return [list(value) for _ in names]
    return [[value] for _ in names]


def _as_metric_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _pick_crossentropy(shape):
    return "binary_crossentropy" if shape and shape[-1] == 1 else "categorical_crossentropy"


def _make_metric(spec, out, y, metrics_module):
    """A fresh Metric for ``spec``; 'accuracy'/'acc' chosen from the loss and shapes (Keras 2's rule:
    binary for one unit or binary crossentropy, sparse for sparse crossentropy; otherwise the
    targets decide, as in Keras 3)."""
    if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
        shape = out.shape or ()
        if (shape and shape[-1] == 1) or out.loss_kind == "binary_crossentropy":
            return metrics_module.BinaryAccuracy(name=spec)
        if out.loss_kind == "sparse_categorical_crossentropy":
            return metrics_module.SparseCategoricalAccuracy(name=spec)
        if out.loss_kind is None and y is not None and shape and (
                y.ndim < len(shape) or (y.shape[-1] == 1 and shape[-1] != 1)):
            return metrics_module.SparseCategoricalAccuracy(name=spec)
        return metrics_module.CategoricalAccuracy(name=spec)
    metric = metrics_module.get(spec)
    if isinstance(metric, metrics_module.Metric):
        return metric
    name = spec if isinstance(spec, str) else getattr(metric, "__name__", "metric")
    return metrics_module.MeanMetricWrapper(metric, name=name)


def _all_layers(model):
    seen, out, stack = set(), [], list(model._sublayers())
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        stack.extend(layer._sublayers())
    return out


def _is_dataset_like(x):
    return hasattr(x, "__next__") or (hasattr(x, "__iter__") and not isinstance(x, (list, tuple, dict, np.ndarray,
                                                                                  Tensor, str)))


def _is_list_of_arrays(x):
    return isinstance(x, (list, tuple)) and len(x) > 0 and all(
        isinstance(v, (np.ndarray, Tensor)) or (isinstance(v, (list, tuple)) and np.ndim(v) > 0) for v in x)


def _split_structure(data, count):
    """One entry per model input (or output): a list gives one array each when the model has
    several; for a single one, only a one-element list of an array is unwrapped, so that
    plain nested Python lists stay data."""
    if count > 1:
        return list(data) if isinstance(data, (list, tuple)) else [data]
    if isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], (np.ndarray, Tensor)):
        return [data[0]]
    return [data]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) and _is_list_of_arrays(x) else [x]


def _as_array(value, dtype, what):
    """A numpy array of ``dtype`` (None: keep integers, floats become float32)."""
    arr = value.value if isinstance(value, Tensor) else np.asarray(value)
    kind = arr.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"The {what} must be numeric, received an array of dtype {arr.dtype}.")
    target = _FLOAT32 if dtype is None and kind == "f" else (None if dtype is None else _dtype(dtype))
    if target is not None and arr.dtype != target:
        arr = arr.astype(target)
    return arr


_FLOAT32 = np.dtype("float32")
_DTYPES = {}


def _dtype(name):
    """np.dtype(name), cached: comparing a dtype with a string is slow in the per-step path."""
    if name not in _DTYPES:
        _DTYPES[name] = np.dtype(name)
    return _DTYPES[name]


def _check_finite(arr, where):
    """NaN or inf in the data would silently turn every loss and weight into NaN."""
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{where} contains NaN or infinite values (the first at index {tuple(int(i) for i in bad)}, "
                         f"value {arr[tuple(bad)]}). Remove or impute them before training or predicting.")


def _check_shape(arr, expected, where):
    if arr.ndim != len(expected) or any(e is not None and e != a for a, e in zip(arr.shape[1:], expected[1:])):
        hint = ""
        if arr.ndim == len(expected) + 1 and arr.shape[-1] == 1:
            hint = " (it has an extra axis of size 1 at the end)"
        elif arr.ndim == len(expected) - 1:
            hint = " (one axis fewer than expected: reshape it, e.g. x.reshape(-1, ...))"
        raise ValueError(f"{where} expects arrays of shape {expected} (batch first), but received an array of "
                         f"shape {arr.shape}{hint}.")


def _check_targets(y, out, model_name):
    """Targets whose shape cannot match the output are a mistake, not something to broadcast."""
    where = f"Targets for output '{out.name}' of model '{model_name}'"
    shape = out.shape
    if shape is None or not out.builtin_loss:
        return
    classes = shape[-1]
    if out.loss_kind == "sparse_categorical_crossentropy":
        ok = y.shape[1:] == tuple(shape[1:-1]) or (y.ndim == len(shape) and y.shape[1:-1] == tuple(shape[1:-1])
                                                    and y.shape[-1] == 1)
        ok = ok and all(e is None or e == a for a, e in zip(y.shape[1:], shape[1:-1]))
        if not ok:
            hint = (" They look one-hot encoded: use loss='categorical_crossentropy', or pass integer labels."
                    if y.ndim == len(shape) and y.shape[-1] == classes else "")
            raise ValueError(f"{where}: sparse_categorical_crossentropy expects integer labels of shape "
                             f"{(None,) + tuple(shape[1:-1])} or {(None,) + tuple(shape[1:-1]) + (1,)}, received "
                             f"shape {y.shape}.{hint}")
        if classes is not None:
            from ..losses.kernels import check_sparse_labels
            check_sparse_labels(y, classes, where=where)
        return
    expected = tuple(shape)
    same = y.ndim == len(expected) and all(e is None or e == a for a, e in zip(y.shape[1:], expected[1:]))
    squeezable = (y.ndim == len(expected) - 1 and expected[-1] == 1
                  and all(e is None or e == a for a, e in zip(y.shape[1:], expected[1:-1])))
    expandable = (y.ndim == len(expected) + 1 and y.shape[-1] == 1
                  and all(e is None or e == a for a, e in zip(y.shape[1:-1], expected[1:])))
    if same or squeezable or expandable:
        return
    hint = ""
    if out.loss_kind == "categorical_crossentropy" and classes and (
            y.ndim == len(expected) - 1 or (y.ndim == len(expected) and y.shape[-1] == 1)):
        hint = (f" They look like integer class labels: use loss='sparse_categorical_crossentropy', or one-hot "
                f"encode them with keras.utils.to_categorical(y, {classes}).")
    raise ValueError(f"{where}: expected shape {expected} to match the model output, received {y.shape}.{hint}")


def _class_weights_to_sample_weights(y, class_weight):
    if not isinstance(class_weight, dict):
        raise TypeError(f"`class_weight` must be a dict {{class index: weight}}, received "
                        f"{type(class_weight).__name__}.")
    if y is None:
        raise ValueError("`class_weight` needs targets `y`.")
    if y.ndim > 2:
        raise ValueError("`class_weight` not supported for 3+ dimensional targets.")
    labels = np.argmax(y, axis=-1) if y.ndim == 2 and y.shape[-1] != 1 else y.reshape(len(y))
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(labels), dtype="float32")
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def _check_lengths(xs, input_names, ys, sws, outputs):
    """The common number of samples, or an error listing every array's size."""
    sizes = [len(a) if a.ndim else None for a in xs]
    sizes += [len(a) for a in ys if a is not None] + [len(a) for a in sws if a is not None]
    if None not in sizes and all(size == sizes[0] for size in sizes):
        return sizes[0]
    labelled = {}
    for i, a in enumerate(xs):
        labelled[f"x['{input_names[i]}']" if input_names else f"x[{i}]"] = len(a) if a.ndim else None
    for out, a in zip(outputs, ys):
        if a is not None:
            labelled[f"y['{out.name}']"] = len(a)
    for out, a in zip(outputs, sws):
        if a is not None:
            labelled[f"sample_weight['{out.name}']"] = len(a)
    scalars = [k for k, v in labelled.items() if v is None]
    if scalars:
        raise ValueError(f"{scalars[0]} is a scalar; expected an array with one entry per sample.")
    listing = ", ".join(f"{k}: {v}" for k, v in labelled.items())
    raise ValueError("Data cardinality is ambiguous: make sure all arrays contain the same number of "
                     f"samples. Received sizes {listing}.")


def _check_batch_size(batch_size):
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
    return int(batch_size)


def _batches(n, batch_size, shuffle):
    """Index objects for the batches of one epoch: slices in order, or shuffled indices from the
    minikeras RNG (so ``utils.set_random_seed`` makes the order repeat)."""
    if not shuffle:
        return [slice(start, start + batch_size) for start in range(0, n, batch_size)]
    if shuffle == "batch":
        starts = np.arange(0, n, batch_size)
        initializers.rng().shuffle(starts)
        return [slice(int(s), int(s) + batch_size) for s in starts]
    order = initializers.rng().permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _flat_results(logs):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
