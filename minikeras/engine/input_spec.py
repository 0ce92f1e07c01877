"""``InputSpec``: what a layer accepts, checked at every call.

A layer states the rank and the fixed axis sizes it needs (``Dense`` wants at least 2
axes and, once built, a last axis equal to its kernel's rows); every call, symbolic or on
data, is checked against it here, so a wrong shape fails where the mistake is made,
naming the layer, the expected and the received shape.
"""
from .. import tree


class InputSpec:
    """What a layer accepts: a rank (``ndim``/``min_ndim``/``max_ndim``) and fixed axis sizes."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype, self.shape, self.max_ndim, self.min_ndim = dtype, shape, max_ndim, min_ndim
        self.ndim = len(shape) if shape is not None else ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        fields = {k: v for k, v in vars(self).items() if v not in (None, {})}
        return "InputSpec(" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"


def assert_input_compatibility(input_spec, inputs, layer_name, class_name):
    """Raise a clear error, naming the layer, when an input's rank or fixed axes do not
    match ``input_spec`` (one spec, or a list with one per input)."""
    if input_spec is None:
        return
    specs = input_spec if isinstance(input_spec, list) else [input_spec]
    flat = tree.flatten(inputs)
    if len(flat) != len(specs) and len(specs) > 1:
        raise ValueError(f"Layer {layer_name} expects {len(specs)} inputs, but it received "
                         f"{len(flat)} input tensors.")
    for i, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None:
            continue
        shape = tuple(x.shape)
        ndim = len(shape)
        where = f"Input {i} of layer {layer_name} ({class_name}) is incompatible with the layer"
        if spec.ndim is not None and ndim != spec.ndim:
            raise ValueError(f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}.{_batch_hint(shape, spec.ndim)}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}.")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}. "
                             f"Full shape received: {shape}.")
        for axis, value in spec.axes.items():
            got = shape[axis] if -ndim <= axis < ndim else None
            if value is not None and got not in (value, None):
                raise ValueError(f"{where}: expected axis {axis} of the input shape to have value "
                                 f"{value}, but received input with shape {shape}.")


def _batch_hint(shape, expected_ndim):
    if len(shape) == expected_ndim + 1:
        return (" Did you include the batch size in `input_shape`? `input_shape` is the shape of one "
                "sample; the batch axis is added for you.")
    return ""
