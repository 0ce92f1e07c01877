"""Merge layers: combine a list of tensors into one (Add, Concatenate, ...), and their
lowercase functional shortcuts (``add([a, b])``)."""
from .. import ops
from ..engine.layer import Layer
from ..engine.tensor import is_symbolic
from ..ops.core import broadcast_shapes


class Merge(Layer):
    """Base of the elementwise merges: inputs must have the same shape (or broadcast)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_list(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 2:
            got = 1 if not isinstance(input_shape, list) else len(input_shape)
            raise ValueError(f"A merge layer ({self.name}, {type(self).__name__}) should be called on a "
                             f"list of at least 2 inputs. Got {got} input(s).")

    def build(self, input_shape):
        self._check_list(input_shape)
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        batch = {s[0] for s in input_shape if s[0] is not None}
        try:
            out = broadcast_shapes(*[tuple(s[1:]) for s in input_shape])
        except ValueError:
            raise ValueError(
                f"Layer {self.name} ({type(self).__name__}) requires inputs with the same shape; received "
                f"shapes {[tuple(s) for s in input_shape]}.") from None
        return (batch.pop() if len(batch) == 1 else None,) + out

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out

    def compute_mask(self, inputs, mask=None):
        """Keras 3's rule: a step is kept if any input keeps it (logical or); if one input has
        no mask, every step is kept (no mask)."""
        if mask is None:
            return None
        _check_masks(self, inputs, mask)
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out


def _check_masks(layer, inputs, mask):
    if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
        raise ValueError(f"Layer {layer.name} ({type(layer).__name__}): `mask` should be a list with one mask "
                         f"(or None) per input; received {len(inputs) if isinstance(inputs, (list, tuple)) else 1} "
                         f"input(s) and mask={mask!r}.")


class Add(Merge):
    _merge = staticmethod(ops.add)


def _step_masks(inputs, mask):
    """The inputs' masks with a trailing axis (they broadcast over the features), or None
    when there are none or the graph is being built (masks change values, never shapes)."""
    if mask is None or all(m is None for m in mask) or any(is_symbolic(x) for x in inputs):
        return None
    return [None if m is None else ops.expand_dims(ops.cast(m, "bool"), -1) for m in mask]


class Multiply(Merge):
    """Elementwise product. As Keras 3: a masked step of one input counts as 1 (it does not
    zero the product); when every input has a mask, steps no input keeps are 0."""
    _merge = staticmethod(ops.multiply)

    def call(self, inputs, mask=None):
        masks = _step_masks(inputs, mask)
        if masks is None:
            return super().call(inputs)
        every_input_masked = all(m is not None for m in masks)
        output = kept = None
        for x, m in zip(inputs, masks):
            if m is not None:
                x = ops.where(m, x, ops.ones_like(x))
                if every_input_masked:
                    kept = m if kept is None else ops.logical_or(kept, m)
            output = x if output is None else ops.multiply(output, x)
        return ops.where(kept, output, ops.zeros_like(output)) if every_input_masked else output


class _MaskedExtremum(Merge):
    """Maximum and Minimum. As Keras 3: where one input is masked, the other's value is used
    (an extremum has no neutral element to put in its place)."""

    def call(self, inputs, mask=None):
        masks = _step_masks(inputs, mask)
        if masks is None:
            return super().call(inputs)
        output = kept = None
        for x, m in zip(inputs, masks):
            if output is None:
                output, kept = x, m
                continue
            if m is not None:
                x = ops.where(m, x, output)
            if kept is not None:
                output = ops.where(kept, output, x)
            kept = ops.logical_or(kept, m) if m is not None and kept is not None else None
            output = self._merge(output, x)
        return output


class Maximum(_MaskedExtremum):
    _merge = staticmethod(ops.maximum)


class Minimum(_MaskedExtremum):
    _merge = staticmethod(ops.minimum)


class Average(Merge):
    def call(self, inputs):
        return ops.divide(Add.call(self, inputs), float(len(inputs)))

    _merge = staticmethod(ops.add)


class Subtract(Merge):
    def _check_list(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer ({self.name}) should be called on exactly 2 inputs.")

    _merge = staticmethod(ops.subtract)


class Concatenate(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def build(self, input_shape):
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) < 1:
            raise ValueError(f"A `Concatenate` layer ({self.name}) should be called on a list of inputs.")
        ranks = {len(s) for s in input_shape}
        axis = self.axis % max(ranks)
        reduced = [tuple(d for i, d in enumerate(s) if i != axis) for s in input_shape]
        compatible = len(ranks) == 1 and all(
            len({d for d in dims if d is not None}) <= 1 for dims in zip(*reduced))
        if not compatible:
            raise ValueError(
                f"A `Concatenate` layer ({self.name}) requires inputs with matching shapes except for "
                f"the concatenation axis. Received: input_shape={[tuple(s) for s in input_shape]}")
        out = list(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        out[axis] = None if None in sizes else sum(sizes)
        for i in range(len(out)):
            if i != axis and out[i] is None:
                out[i] = next((s[i] for s in input_shape if s[i] is not None), None)
        return tuple(out)

    def call(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """Keras 3's rule: each input's mask widened to the input's shape (all True for an input
        without one), concatenated along ``axis``, then reduced by ``any`` over the last axis."""
        if mask is None:
            return None
        _check_masks(self, inputs, mask)
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = ops.ones_like(x, dtype="bool")
            elif m.ndim < x.ndim:
                m = ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool"))
            full.append(m)
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Layer):
    """Dot product of two tensors along ``axes`` (optionally of L2-normalised vectors)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def _axes(self, shapes):
        axes = self.axes if isinstance(self.axes, (list, tuple)) else [self.axes, self.axes]
        return [a % len(s) for a, s in zip(axes, shapes)]

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer ({self.name}) should be called on exactly 2 inputs.")
        a, b = self._axes(input_shape)
        sa, sb = input_shape
        if sa[a] is not None and sb[b] is not None and sa[a] != sb[b]:
            raise ValueError(f"Layer {self.name} (Dot): dimension incompatibility {sa[a]} != {sb[b]}. "
                             f"Layer shapes: {tuple(sa)}, {tuple(sb)}.")
        out = [d for i, d in enumerate(sa) if i != a] + [d for i, d in enumerate(sb[1:], 1) if i != b]
        return tuple(out) if len(out) > 1 else tuple(out) + (1,)

    def compute_mask(self, inputs, mask=None):
        """A dot product has no time axis left to mask (Keras 3: no mask)."""
        return None

    def call(self, inputs):
        x, y = inputs
        if self.normalize:
            x = ops.divide(x, ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True) + 1e-12))
            y = ops.divide(y, ops.sqrt(ops.sum(ops.square(y), axis=-1, keepdims=True) + 1e-12))
        a, b = self._axes([x.shape, y.shape])
        x = ops.transpose(x, [0] + [i for i in range(1, x.ndim) if i != a] + [a])
        y = ops.transpose(y, [0, b] + [i for i in range(1, y.ndim) if i != b])
        if x.ndim == 2:
            x = ops.expand_dims(x, 1)
        if y.ndim == 2:
            y = ops.expand_dims(y, 2)
        out = ops.matmul(x, y)
        shape = self.compute_output_shape([tuple(inputs[0].shape), tuple(inputs[1].shape)])
        return ops.reshape(out, (out.shape[0],) + shape[1:])

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _functional(cls):
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = f"Functional interface to the `{cls.__name__}` layer."
    return merge


add = _functional(Add)
subtract = _functional(Subtract)
multiply = _functional(Multiply)
average = _functional(Average)
maximum = _functional(Maximum)
minimum = _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to the `Concatenate` layer."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional interface to the `Dot` layer."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
