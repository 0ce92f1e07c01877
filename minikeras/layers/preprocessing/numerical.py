"""Numerical preprocessing: ``Rescaling`` (x * scale + offset), ``Normalization`` (zero mean,
unit variance, learned by ``adapt``) and ``Discretization`` (numbers to bin indices).

Rescaling and Normalization are built from ``minikeras.ops``, so gradients flow through
them (a model may put them after trainable layers). Discretization outputs integers and,
like Keras's, has no gradient.
"""
import numpy as np

from ... import backend, ops
from ...ops.tensor import to_numpy
from .categorical import encode_categorical, encoded_shape
from .common import PreprocessingLayer, as_list, batches, numeric_input


class Rescaling(PreprocessingLayer):
    """``inputs * scale + offset``: e.g. ``Rescaling(1/255)`` maps pixels to [0, 1] and
    ``Rescaling(1/127.5, offset=-1)`` to [-1, 1]. ``scale``/``offset`` may be arrays that
    broadcast over the last axis (one value per channel)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = _revive_array(scale), _revive_array(offset)
        self.supports_masking = True

    def call(self, inputs):
        x = ops.cast(numeric_input(self, inputs), self.dtype)
        scale = np.asarray(self.scale, dtype=self.dtype)
        offset = np.asarray(self.offset, dtype=self.dtype)
        return ops.add(ops.multiply(x, scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": _config_value(self.scale), "offset": _config_value(self.offset)}


def _revive_array(value):
    """Keras writes a numpy scale as ``{"class_name": "__numpy__", "config": {"value", "dtype"}}``."""
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        return np.asarray(value["config"]["value"], dtype=value["config"]["dtype"])
    return value


def _config_value(value):
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    return value


class Normalization(PreprocessingLayer):
    """``(inputs - mean) / sqrt(variance)`` per feature (``invert=True``: the inverse).

    ``axis`` names the axes that keep their own statistics (default the last: one mean per
    feature); the statistics come from the ``mean``/``variance`` arguments, or from
    ``adapt(data)``, which stores them in the non-trainable weights ``mean``, ``variance``
    and ``count`` (Keras 3's weights, so saved models keep them; like Keras, adapt leaves
    ``count`` at 0).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization layer {self.name}: when setting values directly, both `mean` "
                             f"and `variance` must be set. Received: mean={mean} and variance={variance}")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"Normalization layer {self.name}: `mean` and `variance` must have the same shape. "
                             f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}")
        if mean is not None and np.ndim(mean) > len(self.axis):
            raise ValueError(f"Normalization layer {self.name}: the rank of `mean` must be at most the number "
                             f"of axes ({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                             f"{self.axis}")
        self.input_mean, self.input_variance, self.invert = mean, variance, bool(invert)
        self.adapt_mean = self.adapt_variance = self.count = None
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization layer {self.name}: all `axis` values must be in the range "
                             f"[-ndim, ndim). Received inputs with ndim={ndim}, while axis={self.axis}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep:
            if input_shape[a] is None:
                raise ValueError(f"Normalization layer {self.name}: all `axis` values to be kept must have a "
                                 f"known shape. Received axis={self.axis}, inputs.shape={tuple(input_shape)}, "
                                 f"with unknown axis at index {a}")
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._broadcast = tuple(input_shape[a] if a in self._keep else 1 for a in range(ndim))
        self._build_shape = tuple(input_shape)
        shape = tuple(input_shape[a] for a in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, initializer="ones", trainable=False)
            self.count = self.add_weight("count", (), dtype="int64", initializer="zeros", trainable=False)
        self.built = True

    def adapt(self, data):
        """Compute the mean and variance of ``data`` (an array, or an iterable of batches)
        over every axis except ``axis``, merging batches exactly (Chan's parallel formula)."""
        parts = batches(data)
        for part in parts:
            numeric_input(self, part)
        if not self.built:
            self._maybe_build(parts[0].shape)
        if self.input_mean is not None:
            raise ValueError(f"Normalization layer {self.name} was given `mean` and `variance`; adapt() "
                             "would overwrite them. Create the layer without them to adapt it.")
        for part in parts:
            for a in self._keep:
                if part.ndim != len(self._build_shape) or part.shape[a] != self._build_shape[a]:
                    raise ValueError(f"Normalization layer {self.name} was built with input shape "
                                     f"{self._build_shape}, but adapt() received data of shape {part.shape}.")
        mean = variance = None
        count = 0
        for part in parts:
            part = part.astype("float64")
            n = int(np.prod([part.shape[a] for a in self._reduce])) if self._reduce else 1
            part_mean, part_var = part.mean(axis=self._reduce), part.var(axis=self._reduce)
            if mean is None:
                mean, variance, count = part_mean, part_var, n
                continue
            total = count + n
            new_mean = mean * (count / total) + part_mean * (n / total)
            variance = (variance + (mean - new_mean) ** 2) * (count / total) + \
                (part_var + (part_mean - new_mean) ** 2) * (n / total)
            mean, count = new_mean, total
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(variance)
        # `count` stays as Keras 3 leaves it (0): files then hold the same numbers as Keras's.

    def _statistics(self):
        if self.input_mean is not None:
            mean = np.asarray(self.input_mean, dtype=self.dtype)
            variance = np.asarray(self.input_variance, dtype=self.dtype)
            if mean.ndim:  # (features,) or so: place on the kept axes, from the right
                shape = [1] * len(self._broadcast)
                for i in range(1, mean.ndim + 1):
                    shape[self._keep[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(shape), variance.reshape(shape)
            return mean, variance
        return (to_numpy(self.adapt_mean).reshape(self._broadcast).astype(self.dtype),
                to_numpy(self.adapt_variance).reshape(self._broadcast).astype(self.dtype))

    def call(self, inputs):
        x = ops.cast(numeric_input(self, inputs), self.dtype)
        mean, variance = self._statistics()
        std = np.maximum(np.sqrt(variance), backend.epsilon()).astype(self.dtype)
        if self.invert:
            return ops.add(ops.multiply(x, std), mean)
        return ops.divide(ops.subtract(x, mean), std)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": as_list(self.input_mean), "variance": as_list(self.input_variance)}


# ----------------------------------------------------------------------------- Discretization
class Discretization(PreprocessingLayer):
    """Bucket numbers into bins: ``bin_boundaries=[0., 1., 2.]`` maps x < 0 to 0, [0, 1) to 1,
    [1, 2) to 2 and x >= 2 to 3. With ``num_bins`` instead, ``adapt(data)`` chooses the
    boundaries at the data's quantiles (an approximate quantile summary with tolerance
    ``epsilon``, the same computation as Keras 3's, so the same data gives the same bins).
    ``output_mode``: "int" (int32 indices, as Keras), "one_hot", "multi_hot" or "count"."""

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 **kwargs):
        super().__init__(**kwargs)
        if sparse:
            raise ValueError(f"Discretization layer {self.name}: sparse=True is not supported in minikeras "
                             "(it has no sparse tensors).")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(f"Discretization layer {self.name}: unknown output_mode={output_mode!r}; expected "
                             "'int', 'one_hot', 'multi_hot' or 'count'.")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization layer {self.name}: `num_bins` must be >= 0. Received: "
                             f"num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Discretization layer {self.name}: both `num_bins` and `bin_boundaries` should "
                             f"not be set. Received: num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"Discretization layer {self.name}: you need to set either `num_bins` or "
                             "`bin_boundaries`.")
        self.bin_boundaries = list(bin_boundaries) if bin_boundaries is not None else None
        self.num_bins, self.epsilon, self.output_mode, self.sparse = num_bins, float(epsilon), output_mode, False
        self._summary = np.zeros((2, 0), "float32")

    def adapt(self, data, steps=None):
        if self.num_bins is None:
            raise ValueError(f"Discretization layer {self.name} was created with `bin_boundaries`; create it "
                             "with `num_bins` to adapt it.")
        self._summary = np.zeros((2, 0), "float32")
        for i, part in enumerate(batches(data)):
            if steps is not None and i >= steps:
                break
            numeric_input(self, part)
            merged = np.concatenate([self._summary, _summarize(part.astype("float32"), self.epsilon)], axis=1)
            self._summary = _compress(merged[:, np.argsort(merged[0], kind="stable")], self.epsilon)
        self.bin_boundaries = _compress(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization layer {self.name}: pass `bin_boundaries` or call adapt(data) "
                             "before using the layer.")
        values = to_numpy(numeric_input(self, inputs))
        indices = np.digitize(values, np.asarray(self.bin_boundaries, values.dtype if values.dtype.kind == "f"
                                                 else "float64")).astype("int32")
        if self.output_mode == "int":
            return ops.convert_to_tensor(indices)
        return encode_categorical(self, indices, self.output_mode, len(self.bin_boundaries) + 1, self.dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return encoded_shape(input_shape, self.output_mode, depth)

    def get_config(self):
        # Keras 3's Discretization takes only name and dtype from the base config (no `trainable`)
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name, "dtype": self.dtype}


def _summarize(values, epsilon):
    """A quantile summary of ``values``: about 1/epsilon of the sorted values, taken at even
    steps, each standing for ``step`` values (its weight). Small data is kept whole."""
    values = np.sort(values.ravel())
    step = max(values.size * epsilon, 1)  # values per kept point
    kept = values[int(step - 1)::int(step)]
    return np.stack([kept, np.full(kept.shape, step, dtype=values.dtype)])


def _compress(summary, epsilon):
    """Resample a summary at the cumulative-weight fractions epsilon, 2*epsilon, ..., 1:
    interpolate the values there and give each new point the weight between it and the last."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    at = cumulative / cumulative[-1]
    values = np.interp(fractions, at, summary[0])
    new_cumulative = np.interp(fractions, at, cumulative)
    weights = np.diff(new_cumulative, prepend=0.0)
    return np.stack([values, weights]).astype("float32")
