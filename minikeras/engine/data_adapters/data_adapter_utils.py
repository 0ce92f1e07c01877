"""From what the user passed to one checked numpy array per model input and output.

``fit(x, y, sample_weight=..., class_weight=...)`` accepts arrays, Python lists, and lists
or dicts of them. Every data source ends here: the inputs become one array per model input
(matched and shape-checked by ``engine/input_checks.py``), the targets and sample weights
one array (or None) per compiled output, and all of them must agree on the number of
samples. The data is converted to the model's dtypes once, here, so that no training step
converts or checks it again.

Mistakes are named where they are found: the input or output, the expected and the
received shape, and what to do about it (one-hot vs integer labels, an extra axis).
"""
import numpy as np

from ... import kernels
from ...ops.tensor import Tensor
from ...losses.kernels import check_sparse_labels
from ..input_checks import check_input_shape, input_keys, match_inputs, split_structure

_FLOAT32 = np.dtype("float32")
_DTYPES = {}


# ------------------------------------------------------------------------- inputs

def standardize_inputs(model, x, declared_inputs):
    """Model inputs as a list of numpy arrays in input order, checked against the Inputs.

    ``declared_inputs`` is False for a subclassed model, which has no Inputs to check
    against: its data is only converted."""
    if x is None:
        raise ValueError(f"Model {model.name}: no input data (x is None).")
    if is_dataset_like(x):
        raise unsupported_data(model.name, x)
    if not declared_inputs:
        return [as_array(v, None, f"input {i}") for i, v in enumerate(_as_list(x))]
    arrays = []
    for name, value, ref in zip(input_keys(model), match_inputs(model, x), model.inputs):
        arr = as_array(value, ref.dtype, f"input '{name}'")
        where = f"Input '{name}' of model '{model.name}'"
        check_input_shape(arr.shape, ref.shape, where)
        check_finite(arr, where)
        arrays.append(arr)
    return arrays


def is_dataset_like(x):
    """An iterator or iterable that is not an array or a container of arrays (a generator, a
    tf.data.Dataset, a DataLoader...)."""
    return hasattr(x, "__next__") or (hasattr(x, "__iter__") and not isinstance(
        x, (list, tuple, dict, np.ndarray, Tensor, str)))


def refuse_separate_targets(kind, y, sample_weight):
    """A source of batches (generator, DataLoader, PyDataset) carries its own targets and
    sample weights in each batch; as in Keras, ``y`` or ``sample_weight`` beside it is an error."""
    for arg, value, what in (("y", y, "the targets"), ("sample_weights", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(f"When providing `x` as a {kind}, `{arg}` should not be passed. Instead, "
                             f"{what} should be included as part of the {kind}.")


def unsupported_data(model_name, x):
    return TypeError(f"Model {model_name}: this method takes numpy arrays (or lists/dicts of them); "
                     f"received {type(x).__name__}. Convert the data to arrays first (fit, evaluate and predict "
                     "also read generators, PyDatasets and other iterables of batches).")


def _as_list(x):
    """A list of arrays is several inputs; anything else (even a nested Python list) is one."""
    several = isinstance(x, (list, tuple)) and len(x) > 0 and all(
        isinstance(v, (np.ndarray, Tensor)) or (isinstance(v, (list, tuple)) and np.ndim(v) > 0) for v in x)
    return list(x) if several else [x]


# ------------------------------------------------------------------------- targets and weights

def standardize_targets(model_name, outputs, y, method):
    """One target array per compiled output (None for an output with nothing to compare)."""
    names = [o.name for o in outputs]
    needs = [o.loss is not None or bool(o.metric_specs or o.weighted_specs) for o in outputs]
    if y is None:
        if any(o.loss is not None for o in outputs):
            raise ValueError(f"Model {model_name}: `{method}` needs targets `y` for output(s) "
                             f"{[o.name for o in outputs if o.loss is not None]}, received y=None.")
        return [None] * len(outputs)
    if isinstance(y, dict):
        extra = [k for k in y if k not in names]
        if extra:
            raise ValueError(f"Model {model_name}: unknown output name(s) {extra} in the targets dict; the "
                             f"model's outputs are {names}.")
        missing = [n for n, need in zip(names, needs) if need and n not in y]
        if missing:
            raise ValueError(f"Model {model_name}: no targets for output(s) {missing}. The dict keys given "
                             f"are {list(y)}; expected {names}.")
        values = [y.get(n) for n in names]
    else:
        values = split_structure(y, len(outputs))
        if len(values) != len(outputs):
            raise ValueError(f"Model {model_name} has {len(outputs)} outputs ({names}), but {len(values)} "
                             "target arrays were given. Pass one per output, as a list in output order or "
                             "a dict keyed by output name.")
    targets = []
    for out, value in zip(outputs, values):
        if value is None:
            targets.append(None)
            continue
        sparse = out.loss_kind == "sparse_categorical_crossentropy"
        arr = as_array(value, None if sparse else "float32", f"targets for output '{out.name}'")
        check_targets(arr, out, model_name)
        check_finite(arr, f"Targets for output '{out.name}' of model '{model_name}'")
        targets.append(arr)
    return targets


def check_targets(y, out, model_name):
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


def standardize_sample_weights(model_name, outputs, sample_weight, class_weight, targets):
    """One weight vector (or None) per output; ``class_weight`` becomes per-sample weights."""
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
        if len(outputs) > 1:
            raise ValueError("`class_weight` is only supported for Models with a single output.")
        return [class_weights_to_sample_weights(targets[0], class_weight)]
    if sample_weight is None:
        return [None] * len(outputs)
    if isinstance(sample_weight, dict):
        unknown = [k for k in sample_weight if k not in [o.name for o in outputs]]
        if unknown:
            raise ValueError(f"Model {model_name}: unknown output name(s) {unknown} in sample_weight.")
        values = [sample_weight.get(o.name) for o in outputs]
    elif isinstance(sample_weight, (list, tuple)) and len(outputs) > 1:
        values = list(sample_weight)
        if len(values) != len(outputs):
            raise ValueError(f"Model {model_name}: sample_weight has {len(values)} entries for "
                             f"{len(outputs)} outputs.")
    else:
        values = [sample_weight] * len(outputs)
    weights = []
    for out, value in zip(outputs, values):
        if value is None:
            weights.append(None)
            continue
        arr = as_array(value, "float32", f"sample_weight for output '{out.name}'")
        if arr.ndim == 0:
            raise ValueError(f"sample_weight for output '{out.name}' must have one weight per sample, "
                             f"received a scalar.")
        weights.append(arr)
    return weights


def class_weights_to_sample_weights(y, class_weight):
    """``{class: weight}`` as one weight per sample, read from integer or one-hot targets."""
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


# ------------------------------------------------------------------------- all of them together

def check_batch_size(batch_size):
    """``batch_size`` as an int: 32 if None, else a positive integer (not a bool)."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
    return int(batch_size)


def unpack_validation_data(validation_data):
    """``(x_val, y_val)`` or ``(x_val, y_val, val_sample_weight)`` as three values."""
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise ValueError("`validation_data` should be a tuple `(x_val, y_val)` or "
                         f"`(x_val, y_val, val_sample_weight)`, received {type(validation_data).__name__}"
                         + (f" of length {len(validation_data)}" if isinstance(validation_data, (list, tuple))
                            else "") + ".")
    vx, vy = validation_data[0], validation_data[1]
    return vx, vy, validation_data[2] if len(validation_data) == 3 else None


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from one batch as Keras lays it out: ``x``, ``(x,)``,
    ``(x, y)`` or ``(x, y, sample_weight)`` (a list counts as a tuple)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found a tuple of {len(data)} elements.")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The inverse of ``unpack_x_y_sample_weight``, as Keras packs what ``train_step`` receives:
    ``x`` alone (or ``(x,)`` when x is itself a tuple or list), ``(x, y)``, ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def check_lengths(xs, input_names, ys, sws, outputs):
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


def as_array(value, dtype, what):
    """A numpy array of ``dtype`` (None: keep integers, floats become float32)."""
    arr = value.value if isinstance(value, Tensor) else np.asarray(value)
    kind = arr.dtype.kind
    if kind not in "biuf" and not (dtype == "string" and kind in "USO"):  # text only for string inputs
        raise TypeError(f"The {what} must be numeric, received an array of dtype {arr.dtype}.")
    target = _FLOAT32 if dtype is None and kind == "f" else (None if dtype in (None, "string") else _dtype(dtype))
    if target is not None and arr.dtype != target:
        arr = arr.astype(target)
    return arr


def _dtype(name):
    """np.dtype(name), cached: comparing a dtype with a string is slow in the per-step path."""
    if name not in _DTYPES:
        _DTYPES[name] = np.dtype(name)
    return _DTYPES[name]


def check_finite(arr, where):
    """NaN or inf in the data would silently turn every loss and weight into NaN."""
    if arr.dtype.kind == "f" and not kernels.selected.all_finite(arr):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{where} contains NaN or infinite values (the first at index {tuple(int(i) for i in bad)}, "
                         f"value {arr[tuple(bad)]}). Remove or impute them before training or predicting.")
