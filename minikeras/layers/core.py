"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda, Embedding, Masking, Identity."""
import codecs
import inspect
import marshal
import types

import numpy as np

from .. import activations, constraints, initializers, ops, random, regularizers, tree
from ..engine.layer import InputSpec, Layer
from ..engine.tensor import KerasTensor
from ..ops.tensor import Tensor


def _shape_str(shape):
    return str(tuple(shape))


class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis; kernel shape (input_dim, units)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense layer {self.name}: `units` must be a positive integer, "
                             f"received units={units!r}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense layer {self.name}: the last axis of its input must be known, "
                             f"received input shape {_shape_str(input_shape)}.")
        self.kernel = self.add_weight("kernel", (input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        return ops.nn.dense(inputs, self.kernel, self.bias, self.activation)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zero a fraction ``rate`` of inputs while training, scaling the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout layer {self.name}: `rate` must be between 0 and 1, "
                             f"received rate={rate!r}.")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        # With a seed, the layer's own generator: its masks repeat from run to run whatever
        # else draws random numbers. Without, the global generator (utils.set_random_seed).
        self.seed_generator = None if seed is None else random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class Flatten(Layer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)

    def compute_output_shape(self, input_shape):
        if any(d is None for d in input_shape[1:]):
            raise ValueError(
                f'The shape of the input to "Flatten" (layer {self.name}) is not fully defined '
                f"(got {tuple(input_shape[1:])}). Make sure to pass a complete \"input_shape\" or "
                "\"batch_input_shape\" argument to the first layer in your model.")
        return (input_shape[0], int(np.prod(input_shape[1:])))

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"Reshape layer {self.name}: can only specify one unknown dimension "
                             f"(-1), received target_shape={self.target_shape}.")

    def compute_output_shape(self, input_shape):
        known_in = input_shape[1:]
        target = list(self.target_shape)
        if None in known_in:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in target)
        total = int(np.prod(known_in))
        if -1 in target:
            rest = int(np.prod([d for d in target if d != -1]))
            if rest == 0 or total % rest:
                raise ValueError(self._size_error(input_shape))
            target[target.index(-1)] = total // rest
        elif int(np.prod(target)) != total:
            raise ValueError(self._size_error(input_shape))
        return (input_shape[0],) + tuple(target)

    def _size_error(self, input_shape):
        return (f"Reshape layer {self.name}: total size of new array must be unchanged. The input "
                f"shape {tuple(input_shape)} has {int(np.prod(input_shape[1:]))} values per sample, "
                f"but target_shape={self.target_shape} has "
                f"{int(np.prod([d for d in self.target_shape if d != -1]))}.")

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """Swap non-batch axes: ``Permute((2, 1))`` transposes (batch, a, b) to (batch, b, a)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute layer {self.name}: `dims` must be a permutation of "
                             f"1..{len(self.dims)}, received {self.dims}.")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Lambda(Layer):
    """Wrap an expression as a layer: ``Lambda(lambda x: x ** 2)``. Use minikeras.ops inside."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        # As Keras 3: ``mask`` is the output mask, or a function (inputs, mask) -> mask; only
        # then does the layer pass a mask on. ``function`` gets ``mask``/``training`` if it asks.
        self.mask = mask
        self.supports_masking = mask is not None
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):   # a builtin or numpy function: no keyword arguments to offer
            params = {}
        self._fn_expects_mask = "mask" in params
        self._fn_expects_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask:
            kwargs["mask"] = mask
        if self._fn_expects_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return Layer.compute_output_shape(self, input_shape)  # a symbolic run of the function
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (input_shape[0] if isinstance(input_shape, tuple) else input_shape[0][0],) + tuple(self._output_shape)

    def _symbolic_call(self, inputs, kwargs, args=()):
        if self._output_shape is None:
            return _trace(self, inputs, kwargs, args)
        return super()._symbolic_call(inputs, kwargs, args)

    def get_config(self):
        config = {**super().get_config(), "function": _function_code(self.function), "function_type": "lambda",
                  "output_shape": self._output_shape if not callable(self._output_shape) else None,
                  "arguments": self.arguments}
        if self.mask is not None:
            if not callable(self.mask):
                raise ValueError(f"Lambda layer {self.name} has a fixed mask tensor as `mask`; minikeras can "
                                 "write only a mask function into a config. Pass mask=lambda inputs, mask: ...")
            config["mask"] = _function_code(self.mask)
        return config

    @classmethod
    def from_config(cls, config, safe_mode=True):
        config = dict(config)
        fn = config.pop("function")
        config.pop("function_type", None)
        config.pop("module", None)
        config.pop("output_shape_type", None)
        config["function"] = _function_from_code(fn)
        if config.get("mask") is not None:
            config["mask"] = _function_from_code(config["mask"])
        return cls(**config)


def _function_code(function):
    """A function's bytecode as text, for a config (minikeras's and Keras 2's ``lambda`` form)."""
    return codecs.encode(marshal.dumps(function.__code__), "base64").decode("ascii")


def _function_from_code(fn):
    if isinstance(fn, dict):
        fn = fn.get("config", {}).get("code", fn)
    if isinstance(fn, (list, tuple)):
        fn = fn[0]
    return types.FunctionType(marshal.loads(codecs.decode(fn.encode("ascii"), "base64")), globals())


def _trace(layer, inputs, kwargs, args):
    outputs = layer.call(inputs, *args, **layer._call_kwargs(kwargs))
    return tree.map_structure(lambda t: KerasTensor(t.shape, t.dtype), outputs)


class Embedding(Layer):
    """Turn integer indices into dense vectors: a lookup in an (input_dim, output_dim) table."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero=False, input_length=None, **kwargs):
        if input_length is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        kwargs.setdefault("dtype", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.input_length = input_length
        self.supports_masking = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        if isinstance(inputs, Tensor):
            values = inputs.value
            if values.dtype.kind == "f":
                if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
                    raise ValueError(
                        f"Embedding layer {self.name} expects integer indices, but received floats "
                        "that are not whole numbers. Pass token ids (e.g. np.int32 arrays).")
            if values.size and (values.min() < 0 or values.max() >= self.input_dim):
                raise ValueError(
                    f"Embedding layer {self.name}: indices must be in [0, {self.input_dim}) "
                    f"(input_dim={self.input_dim}), but received values from {values.min():g} "
                    f"to {values.max():g}.")
        return ops.take(self.embeddings, ops.cast(inputs, "int64"), axis=0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero}


class Masking(Layer):
    """Mask time steps whose features all equal ``mask_value``; downstream RNNs skip them."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.cast(self.compute_mask(inputs), inputs.dtype)
        return ops.multiply(inputs, ops.expand_dims(keep, -1))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


class Identity(Layer):
    """Return the inputs unchanged: a placeholder, e.g. where a model family has an optional
    block, so that every variant keeps the same layer structure."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
