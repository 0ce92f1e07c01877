"""What ``compile`` was told, resolved per model output.

``compile(loss=..., metrics=..., loss_weights=...)`` accepts a single value, a list (one
entry per output) or a dict keyed by output name. Training needs the opposite view: for
each output, its loss object, its weight, its metric objects and the names its logs get.
``CompiledOutput`` is that view, and ``resolve_outputs`` builds one per output.

Two choices need more than the arguments, so they happen as late as possible:

* ``loss='crossentropy'`` picks binary or categorical from the output's last axis;
* ``metrics=['accuracy']`` picks binary, sparse or categorical accuracy from the loss,
  the output shape and, when the loss does not decide, the targets (``build_metrics``,
  called with the first data).

Logs are named as Keras names them: ``loss``, then ``<output>_loss`` for each output of a
multi-output model, then the metrics (``accuracy``, or ``<output>_accuracy``). As in Keras 3,
the logs dict has its keys sorted and the result lists follow ``log_names``.
"""
import copy
import warnings

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers, tree
from ..ops.tensor import Tensor
from .masking import get_keras_mask

CROSSENTROPY_NAMES = ("crossentropy", "ce")
ACCURACY_NAMES = ("accuracy", "acc")


class CompiledOutput:
    """What was compiled for one model output."""

    def __init__(self, name, index, shape):
        self.name = name
        self.index = index
        self.shape = shape         # (None, ...) of the model output
        self.loss = None           # a losses.Loss, or None (no loss for this output)
        self.loss_kind = None      # 'binary_crossentropy' | 'categorical_...' | 'sparse_...' | None
        self.builtin_loss = False  # shape rules of the built-in losses apply
        self.weight = 1.0
        self.metric_specs = []     # identifiers given to compile, resolved by build_metrics
        self.weighted_specs = []
        self.metrics = []          # [(log name, Metric, weighted?)]
        self.tracker = None        # running mean of this output's loss (multi-output logs)


# ------------------------------------------------------------------------- at compile()

def check_identifiers(loss, metrics, weighted_metrics):
    """Look every name up now, so that a typo fails in compile() and not in fit()."""
    for item in tree.flatten(loss):
        if isinstance(item, str) and item.lower() not in CROSSENTROPY_NAMES:
            losses_module.get(item)
        elif item is not None and not callable(item):
            raise ValueError(f"Could not interpret loss identifier: {item!r}.")
    for item in tree.flatten(metrics) + tree.flatten(weighted_metrics):
        if item is not None and not (isinstance(item, str) and item.lower() in ACCURACY_NAMES):
            metrics_module.get(item)


def compile_config(optimizer_arg, optimizer, loss, metrics, loss_weights, weighted_metrics):
    """The arguments of compile as JSON-friendly values (names stay names, objects become configs)."""
    return {"optimizer": optimizer_arg if isinstance(optimizer_arg, str) else optimizers.serialize(optimizer),
            "loss": _serialize(loss, losses_module.serialize),
            "metrics": _serialize(metrics, metrics_module.serialize),
            "loss_weights": loss_weights,
            "weighted_metrics": _serialize(weighted_metrics, metrics_module.serialize)}


def compile_args_from_config(config):
    """The keyword arguments of compile that ``compile_config`` describes."""
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = optimizers.deserialize(optimizer)
    return dict(optimizer=optimizer,
                loss=_deserialize(config.get("loss"), losses_module.deserialize),
                metrics=_deserialize(config.get("metrics"), metrics_module.deserialize),
                loss_weights=config.get("loss_weights"),
                weighted_metrics=_deserialize(config.get("weighted_metrics"), metrics_module.deserialize))


def _serialize(structure, serialize):
    def one(item):
        return item if item is None or isinstance(item, str) else serialize(item)
    # JSON has no tuples: lists, as a saved and reloaded config has them
    return _tuples_as_lists(tree.map_structure(one, structure))


def _tuples_as_lists(structure):
    if isinstance(structure, dict):
        return {key: _tuples_as_lists(value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_tuples_as_lists(item) for item in structure]
    return structure


def _deserialize(structure, deserialize):
    # Not tree.map_structure: a serialized object is itself a dict ({"class_name": ...}),
    # which must be read as one leaf, not walked into.
    if structure is None or isinstance(structure, str):
        return structure
    if isinstance(structure, dict) and "class_name" in structure:
        return deserialize(structure)
    if isinstance(structure, dict):
        return {k: _deserialize(v, deserialize) for k, v in structure.items()}
    return [_deserialize(v, deserialize) for v in structure]


# ------------------------------------------------------------------------- once the outputs are known

def resolve_outputs(compile_args, names, shapes):
    """One ``CompiledOutput`` per model output (``names`` and ``shapes`` in output order)."""
    outputs = [CompiledOutput(name, i, shape) for i, (name, shape) in enumerate(zip(names, shapes))]
    for out, loss in zip(outputs, _per_output(compile_args["loss"], names, "loss", dict_missing=None)):
        if loss is not None:
            _set_loss(out, loss)
    weights = compile_args["loss_weights"]
    if weights is not None:
        if isinstance(weights, (int, float)) and len(outputs) == 1:
            weights = [weights]
        for out, w in zip(outputs, _per_output(weights, names, "loss_weights", dict_missing=1.0)):
            out.weight = float(w)
    for key, attr in (("metrics", "metric_specs"), ("weighted_metrics", "weighted_specs")):
        for out, specs in zip(outputs, _per_output_metrics(compile_args[key], names, key)):
            setattr(out, attr, specs)
    if len(outputs) > 1:
        for out in outputs:
            out.tracker = metrics_module.Mean(name=f"{out.name}_loss") if out.loss else None
    return outputs


def _set_loss(out, loss):
    if isinstance(loss, str) and loss.lower() in CROSSENTROPY_NAMES:
        loss = "binary_crossentropy" if out.shape and out.shape[-1] == 1 else "categorical_crossentropy"
    fn = losses_module.get(loss)
    out.loss = fn if isinstance(fn, losses_module.Loss) else losses_module.LossFunctionWrapper(
        fn, name=loss if isinstance(loss, str) else getattr(fn, "__name__", None))
    out.loss_kind = losses_module.kind_of(out.loss)
    out.builtin_loss = getattr(out.loss, "_kernel", None) is not None


def _per_output(value, names, what, dict_missing):
    """One entry per output from a single value, a list (one per output) or a dict by name."""
    if isinstance(value, dict):
        _check_dict_keys(value, names, what)
        if what == "loss":
            missing = [n for n in names if n not in value]
            if missing and len(names) > 1:
                warnings.warn(f"Output(s) {missing} missing from loss dictionary. We assume this was done on "
                              "purpose: they will not contribute to the loss.", stacklevel=5)
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
        _check_dict_keys(value, names, what)
        return [_as_list(value.get(n)) for n in names]
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (list, tuple)) or v is None for v in value):
            if len(value) != len(names):
                raise ValueError(f"When passing a list of lists as {what}, it should have one list per model "
                                 f"output. The model has {len(names)} output(s), received {len(value)}.")
            return [_as_list(v) for v in value]
        return [list(value) for _ in names]
    return [[value] for _ in names]


def _check_dict_keys(value, names, what):
    unknown = [k for k in value if k not in names]
    if unknown:
        raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only expected following keys: "
                         f"{names}")


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# ------------------------------------------------------------------------- with the first data

def build_metrics(outputs, targets):
    """Create each output's metric objects; 'accuracy' needs the loss and the target's shape."""
    multi = len(outputs) > 1
    seen = set()
    for out in outputs:
        out.metrics = []
        y = targets[out.index] if targets is not None else None
        for specs, weighted in ((out.metric_specs, False), (out.weighted_specs, True)):
            for spec in specs:
                metric = _make_metric(spec, out, y)
                if id(metric) in seen:  # one Metric object given for several outputs
                    metric = copy.deepcopy(metric)
                seen.add(id(metric))
                name = spec if isinstance(spec, str) else metric.name
                if weighted and not isinstance(spec, str):
                    name = metric.name
                log_name = f"{out.name}_{name}" if multi else name
                out.metrics.append((log_name, metric, weighted))


def _make_metric(spec, out, y):
    """A fresh Metric for ``spec``; 'accuracy'/'acc' chosen from the loss and shapes (Keras 2's rule:
    binary for one unit or binary crossentropy, sparse for sparse crossentropy; otherwise the
    targets decide, as in Keras 3)."""
    if isinstance(spec, str) and spec.lower() in ACCURACY_NAMES:
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


# ------------------------------------------------------------------------- in every step

def output_losses(outputs, ys, predictions, sws, model_name):
    """``(weighted sum, [loss per output])`` of one batch; None for an output without a loss
    (and as the sum if no output has one)."""
    total = None
    per_output = []
    for out in outputs:
        if out.loss is None:
            per_output.append(None)
            continue
        try:
            value = out.loss(ys[out.index], predictions[out.index], sws[out.index])
        except (ValueError, TypeError) as e:
            raise type(e)(f"Output '{out.name}' of model '{model_name}': {e}") from e
        per_output.append(value)
        term = value if out.weight == 1.0 else value * out.weight
        total = term if total is None else total + term
    return total, per_output


def update_metrics(outputs, per_output, ys, predictions, sws, n):
    """Add one batch of ``n`` samples to each output's loss tracker and metrics (numpy, no tape)."""
    for out, value in zip(outputs, per_output):
        if out.tracker is not None and value is not None:
            out.tracker.add(float(value.value), n)
        prediction = _masked_or_array(predictions[out.index])
        for _, metric, weighted in out.metrics:
            metric.update_state(ys[out.index], prediction, sws[out.index] if weighted else None)


def _masked_or_array(prediction):
    """A prediction for the metrics: the Tensor if it carries a mask (the metrics that average
    per step leave masked steps out, as in Keras 3), else its array."""
    return prediction if get_keras_mask(prediction) is not None else prediction.value


class CompileMetrics(metrics_module.Metric):
    """Every metric given to compile, as one metric named ``compile_metrics`` (Keras 3's
    container): ``model.metrics`` lists it after the loss tracker, so that a custom
    ``train_step`` written as ``for m in self.metrics: m.update_state(y, y_pred)`` updates
    them all. ``result()`` is a dict ``{log name: value}``; a log flattens it."""

    def __init__(self, outputs, split_targets):
        super().__init__(name="compile_metrics")
        self._outputs = outputs
        self._split_targets = split_targets   # y as the model takes it -> one array per output

    def update_state(self, y_true, y_pred, sample_weight=None):
        ys = self._split_targets(y_true, "update_state")
        predictions = [_masked_or_array(p) if isinstance(p, Tensor) else np.asarray(p) for p in tree.flatten(y_pred)]
        if len(predictions) != len(self._outputs):
            raise ValueError(f"compile_metrics: the model has {len(self._outputs)} output(s), but y_pred has "
                             f"{len(predictions)}.")
        weights = self._split_weights(sample_weight)
        for out in self._outputs:
            for _, metric, weighted in out.metrics:
                metric.update_state(ys[out.index], predictions[out.index], weights[out.index] if weighted else None)

    def _split_weights(self, sample_weight):
        if sample_weight is None:
            return [None] * len(self._outputs)
        if isinstance(sample_weight, dict):
            return [sample_weight.get(o.name) for o in self._outputs]
        if isinstance(sample_weight, (list, tuple)) and len(self._outputs) > 1:
            return list(sample_weight)
        return [sample_weight] * len(self._outputs)

    def result(self):
        found = {}
        for out in self._outputs:
            for name, metric, _ in out.metrics:
                result = metric.result()
                found[name] = float(result) if np.ndim(result) == 0 else result
        return found

    def reset_state(self):
        for out in self._outputs:
            for _, metric, _ in out.metrics:
                metric.reset_state()


# ------------------------------------------------------------------------- the logs

def log_names(outputs, loss=None):
    """The order of every result list (``evaluate``, ``train_on_batch`` without ``return_dict``),
    as Keras 3 orders it: ``loss``; the per-output losses, in the order of the ``loss`` dict
    given to compile (else in output order); then the metrics: a single output's in the order
    compile was given them, a multi-output model's sorted by log name (Keras names those
    ``<output>_<metric>`` and puts them with the other names it does not know, sorted)."""
    trackers = [o for o in outputs if o.tracker is not None]
    if isinstance(loss, dict):
        given = list(loss)
        trackers.sort(key=lambda o: given.index(o.name) if o.name in given else len(given))
    metric_names = [name for o in outputs for name, _, _ in o.metrics]
    if len(outputs) > 1:
        metric_names = sorted(metric_names)
    return ["loss"] + [o.tracker.name for o in trackers] + metric_names


def logs(loss_tracker, outputs):
    """The current value of every tracker and metric, keyed by log name; the keys sorted, as
    Keras 3 sorts the logs callbacks, ``History`` and ``return_dict=True`` see."""
    found = {"loss": loss_tracker.result()}
    for out in outputs:
        if out.tracker is not None:
            found[out.tracker.name] = out.tracker.result()
    for out in outputs:
        for name, metric, _ in out.metrics:
            result = metric.result()
            found[name] = float(result) if np.ndim(result) == 0 else result
    return sorted_logs(found)


def sorted_logs(logs):
    """``logs`` with its keys sorted (``{"loss", "accuracy"}`` -> ``{"accuracy", "loss"}``)."""
    return {key: logs[key] for key in sorted(logs)}


def flat_results(logs, names):
    """``logs`` as the list ``evaluate`` returns without ``return_dict``: the values of
    ``names`` (``log_names``) first, in that order, then any other key's, sorted by key
    (Keras 3's ``_flatten_metrics_in_order``); one value on its own is returned bare."""
    values = [logs[name] for name in names if name in logs]
    values += [logs[key] for key in sorted(logs) if key not in names]
    return values[0] if len(values) == 1 else values
