"""``EinsumDense``: a Dense layer whose product is any einsum, ``ops.einsum(equation, x, kernel)``.

``Dense(units)`` is ``EinsumDense("...a,ab->...b", units)``; other equations project several
axes at once (``"abc,cde->abde"`` maps each vector to a (d, e) matrix, as attention's query,
key and value projections do). The kernel's shape is read off the equation: each kernel
letter takes its size from the output (``output_shape``, batch axis excluded) when the output
has it, else from the input. The equation has one of Keras's three forms: ``X,Y->Z``,
``...X,Y->...Z`` (the ellipsis stands for leading axes) or ``X...,Y->Z...`` (trailing axes).
"""
import re

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from ..engine.layer import InputSpec, Layer


def analyze_einsum(equation, bias_axes, input_shape, output_shape, layer_name):
    """(kernel_shape, bias_shape or None, full output shape, kernel input axes, kernel output axes)."""
    # 1. split the equation, noting which side of the letters an ellipsis elides axes
    plain = equation.replace("...", "0")
    left = False
    match = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", plain)
    if not match:
        match = re.fullmatch(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", plain)
        left = match is not None
    if not match:
        match = re.fullmatch(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", plain)
    if not match:
        raise ValueError(f"Layer {layer_name}: invalid einsum equation {equation!r}. Equations must have the "
                         "form [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]....")
    input_spec, weight_spec, output_spec = match.groups()
    elided = len(input_shape) - len(input_spec)
    # 2. the full output shape: the batch axis, the given axes, and the elided ones
    output = [output_shape] if isinstance(output_shape, (int, np.integer)) else list(output_shape)
    given = len(output_spec) if left else len(output_spec) - 1   # the letters' axes but the batch's
    if len(output) != given:
        raise ValueError(f"Layer {layer_name}: output_shape {output_shape!r} must give the {given} output axes "
                         f"that the letters of {equation!r} name, without the batch axis"
                         f"{' and the axes the ellipsis stands for' if '...' in equation else ''}; "
                         f"received {len(output)}.")
    output.insert(0, input_shape[0])
    if elided > 0 and left:
        output[1:1] = input_shape[1:elided]   # in their order (Keras 3 reverses them here, a bug)
    elif elided > 0:
        output.extend(input_shape[len(input_shape) - elided:])
    offset_in = elided - len(input_shape) if left else 0
    offset_out = elided if left else 0
    in_axis = {d: i + offset_in for i, d in enumerate(input_spec)}
    out_axis = {d: i + offset_out for i, d in enumerate(output_spec)}
    for d in input_spec:
        if d in out_axis and output[out_axis[d]] is not None and output[out_axis[d]] != input_shape[in_axis[d]]:
            raise ValueError(f"Layer {layer_name}: input shape {tuple(input_shape)} and output shape "
                             f"{tuple(output)} differ at the shared dimension '{d}' of {equation!r}.")
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ValueError(f"Layer {layer_name}: output dimension '{d}' of {equation!r} is in neither the "
                             f"input spec '{input_spec}' nor the weight spec '{weight_spec}'.")
    # 3. the kernel: sizes from the output where it has the letter, else from the input
    kernel_shape, kernel_in, kernel_out = [], [], []
    for i, d in enumerate(weight_spec):
        if d in out_axis:
            kernel_shape.append(output[out_axis[d]])
            kernel_out.append(i)
        elif d in in_axis:
            kernel_shape.append(input_shape[in_axis[d]])
            kernel_in.append(i)
        else:
            raise ValueError(f"Layer {layer_name}: weight dimension '{d}' of {equation!r} is in neither the "
                             f"input spec '{input_spec}' nor the output spec '{output_spec}'.")
    # 4. the bias: over the output axes from the first bias letter on, 1 where not a bias axis
    bias_shape = None
    if bias_axes is not None:
        for d in bias_axes:
            if d not in output_spec:
                raise ValueError(f"Layer {layer_name}: bias dimension '{d}' is not in the output spec "
                                 f"'{output_spec}' of {equation!r}.")
        first = min(output_spec.find(d) for d in bias_axes)
        sizes = {d: output[i + offset_out] for i, d in enumerate(output_spec)}
        bias_shape = [sizes[d] if d in bias_axes else 1 for d in output_spec[first:]]
        if not left:
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, output, kernel_in, kernel_out


class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``; see the module docstring."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, lora_rank=None,
                 lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for name, value in (("lora_rank", lora_rank), ("quantization_config", quantization_config)):
            if value is not None:
                raise ValueError(f"Layer {self.name}: `{name}` is not supported by minikeras, received {value!r}.")
        self.equation = equation
        self.partial_output_shape = (int(output_shape),) if isinstance(output_shape, (int, np.integer)) \
            else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, _, kernel_in, kernel_out = analyze_einsum(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape, self.name)
        if any(n is None for n in kernel_shape + (bias_shape or [])):
            raise ValueError(f"Layer {self.name}: the input axes the kernel spans must be known; received input "
                             f"shape {tuple(input_shape)} for {self.equation!r}.")
        self.kernel = self.add_weight("kernel", tuple(kernel_shape),
                                      initializer=self._kernel_initializer(kernel_in, kernel_out),
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None if bias_shape is None else self.add_weight(
            "bias", tuple(bias_shape), initializer=self.bias_initializer, regularizer=self.bias_regularizer,
            constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.built = True

    def _kernel_initializer(self, kernel_in, kernel_out):
        """As Keras: a variance-scaling initializer counts the fans over the kernel's input and
        output axes (not a convolution's receptive field). Its values are independent draws, so
        drawing a (fan_in, fan_out) matrix and laying it out on the kernel's axes is exact."""
        base = self.kernel_initializer
        if not isinstance(base, initializers.VarianceScaling):
            return base

        def initializer(shape, dtype=None):
            fan_in = int(np.prod([shape[i] for i in kernel_in]))
            fan_out = int(np.prod([shape[i] for i in kernel_out]))
            matrix = np.asarray(base((fan_in, fan_out), dtype=dtype))
            order = kernel_in + kernel_out
            laid = matrix.reshape([shape[i] for i in order])
            return np.transpose(laid, np.argsort(order))
        return initializer

    def compute_output_shape(self, input_shape):
        return tuple(analyze_einsum(self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape,
                                    self.name)[2])

    def call(self, inputs):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return self.activation(x)

    def get_config(self):
        return {**super().get_config(), "output_shape": list(self.partial_output_shape), "equation": self.equation,
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": None}
