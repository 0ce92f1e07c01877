"""The ``Layer``: a computation with weights that can be called on tensors.

Calling a layer on symbolic tensors (``Dense(32)(x)`` with ``x = Input(...)``) builds
its weights once from the input shape, checks the input, works out the output shape
and records a ``Node``. Calling it on arrays runs ``call`` and returns numbers.
"""
import inspect

import numpy as np

from .. import backend, initializers, regularizers, tree
from ..ops.tensor import Variable, convert_to_tensor
from .input_spec import InputSpec, assert_input_compatibility  # layers import InputSpec from here
from ..ops import operation
from ..ops.node import Node
from . import masking
from .auto_config import constructor_config
from .call_signature import call_arguments, first_call_parameter
from .layer_nodes import LayerNodes, unpack_singleton
from .tensor import KerasTensor

_eager_depth = 0    # > 0 while some layer's call() runs on values (the outermost call resets losses)

_ALLOWED_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "dtype", "name",
                   "trainable", "weights", "input_dim", "autocast", "activity_regularizer"}


class Layer(LayerNodes):
    """Base class of every layer. Subclasses override ``build``, ``call`` and
    ``compute_output_shape`` (optional: when absent the output shape is found by running
    ``call`` on symbolic tensors), and ``get_config``."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]!r} "
                            f"(layer class {type(self).__name__}).")
        self._tracked_layers = []
        if not name:
            prefix = type(self).__name__
            name = backend.to_snake_case(prefix) + "_" + str(backend.get_uid(prefix))
        self.name = name
        self._trainable = trainable
        self.dtype = backend.standardize_dtype(dtype.get("config", {}).get("name") if isinstance(dtype, dict) else dtype)
        self.built = False
        self.input_spec = None
        # As Keras 3: a layer supports masking by default exactly when it defines compute_mask.
        self._supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._own_trainable = []
        self._own_non_trainable = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._call_losses = []
        self._initial_weights = kwargs.get("weights")
        # A penalty on the layer's outputs, added to its losses at every call (see add_activity_losses)
        self.activity_regularizer = _get_regularizer(kwargs.get("activity_regularizer"))

        batch_input_shape = kwargs.get("batch_input_shape")
        if batch_input_shape is None and ("input_shape" in kwargs or "input_dim" in kwargs):
            input_shape = kwargs.get("input_shape")
            if input_shape is None:
                input_shape = (kwargs["input_dim"],)
            batch_input_shape = (kwargs.get("batch_size"),) + tuple(input_shape)
        self._batch_input_shape = tuple(batch_input_shape) if batch_input_shape is not None else None

    def __new__(cls, *args, **kwargs):
        # As Keras 3's Operation.__new__: keep the constructor's arguments, so that a class
        # of the user's without get_config() still has a config (see auto_config.py).
        instance = super().__new__(cls)
        object.__setattr__(instance, "_constructor_arguments", (args, dict(kwargs)))
        return instance

    # -- attribute tracking: sublayers and Variables assigned as attributes contribute their weights
    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name != "_outer" and hasattr(self, "_tracked_layers"):
            if value not in self._tracked_layers:
                self._tracked_layers.append(value)
        elif isinstance(value, (list, tuple)) and hasattr(self, "_tracked_layers") \
                and name not in ("_tracked_layers", "_inbound_nodes", "_outbound_nodes"):
            for item in value:
                if isinstance(item, Layer) and item not in self._tracked_layers:
                    self._tracked_layers.append(item)
        elif isinstance(value, Variable) and hasattr(self, "_own_non_trainable"):
            # ``self.w = keras.Variable(...)`` makes w a weight of this layer, as in Keras 3
            if value not in self._own_trainable and value not in self._own_non_trainable:
                (self._own_trainable if value.trainable else self._own_non_trainable).append(value)
        object.__setattr__(self, name, value)

    def _sublayers(self):
        return self._tracked_layers

    # -------------------------------------------------------------------- weights
    def add_weight(self, name=None, shape=None, dtype=None, initializer="glorot_uniform",
                   regularizer=None, trainable=True, constraint=None, **kwargs):
        """Create a weight of ``shape`` owned by this layer (Keras's ``add_weight``)."""
        if shape is None:
            shape = ()
        shape = tuple(int(d) for d in shape)
        dtype = backend.standardize_dtype(dtype or self.dtype)
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype) if init is not None else np.zeros(shape, dtype)
        name = name or f"variable_{len(self._own_trainable) + len(self._own_non_trainable)}"
        var = Variable(value, name=name, trainable=trainable, dtype=dtype, path=f"{self.name}/{name}")
        var.initializer = init
        var.regularizer = _get_regularizer(regularizer)
        var.constraint = constraint
        (self._own_trainable if trainable else self._own_non_trainable).append(var)
        return var

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        weights = list(self._own_trainable)
        for layer in self._sublayers():
            weights += layer.trainable_weights
        return _unique(weights)

    @property
    def non_trainable_weights(self):
        weights = list(self._own_non_trainable) if self.trainable else self._own_trainable + self._own_non_trainable
        for layer in self._sublayers():
            weights += layer.non_trainable_weights if self.trainable else layer.weights
        return _unique(weights)

    @property
    def weights(self):
        """Every weight, layer by layer (own weights first, trainable before non-trainable)."""
        weights = self._own_trainable + self._own_non_trainable
        for layer in self._sublayers():
            weights += layer.weights
        return _unique(weights)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    def get_weights(self):
        return [w.value.copy() for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f"Layer {self.name} expects {len(params)} weight arrays "
                f"({', '.join(str(p.shape) for p in params) or 'none'}), but received "
                f"{len(weights)} arrays.")
        for i, (p, w) in enumerate(zip(params, weights)):
            w = np.asarray(w)
            if w.shape != p.shape:
                owner = p.path.rpartition("/")[0]  # a model's weights belong to its layers
                where = f" of layer '{owner}' (weights[{i}])" if owner and owner != self.name else ""
                raise ValueError(
                    f"Layer {self.name} weight '{p.name}'{where} has shape {p.shape}, but the array "
                    f"provided has shape {w.shape}.")
        for p, w in zip(params, weights):
            p.assign(w)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't built. "
                f"You can build it manually via: `{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    @property
    def losses(self):
        """Regularization penalties of this layer's weights (and sublayers'), plus add_loss values."""
        out = list(self._call_losses)
        for w in self._own_trainable + self._own_non_trainable:
            if w.regularizer is not None:
                out.append(w.regularizer(w))
        for layer in self._sublayers():
            out += layer.losses
        return out

    def add_loss(self, loss):
        """Add ``loss`` to the training loss. A symbolic loss (from ``call()`` run on KerasTensors
        while a functional model is built) is not kept: it has no value, and the real one is
        added when the model runs, as in Keras."""
        if not isinstance(loss, KerasTensor):
            self._call_losses.append(loss)

    def add_activity_losses(self, outputs):
        """The activity regularizer's penalty on each output, divided by the batch size, added
        as a loss of this call: Keras 3's rule (``Layer.__call__``), so the penalty's strength
        does not depend on the batch size. Runs on values only: a symbolic call has no numbers."""
        if self.activity_regularizer is None:
            return
        for output in tree.flatten(outputs):
            if isinstance(output, KerasTensor) or not hasattr(output, "shape"):
                continue
            loss = self.activity_regularizer(output)
            if len(output.shape) > 0:
                batch = output.shape[0]
                loss = loss / float(batch) if batch else loss * 0.0   # Keras's divide_no_nan
            self.add_loss(loss)

    def _clear_losses(self):
        """Forget the add_loss values of the previous call, here and in every sublayer."""
        self._call_losses.clear()
        for layer in self._sublayers():
            layer._clear_losses()

    # -------------------------------------------------------------------- building and calling
    def build(self, input_shape):
        self.built = True

    def _maybe_build(self, input_shapes):
        if self.built:
            return
        self._build_shapes = input_shapes   # the shapes it was built for: saving writes them (build_config)
        self.build(unpack_singleton(input_shapes) if isinstance(input_shapes, list) else input_shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``. The base class finds it by a symbolic run of ``call``."""
        inputs = tree.map_shape_structure(lambda s: KerasTensor(s, self.dtype), input_shape)
        outputs = self._symbolic_call(inputs, {})
        return tree.map_structure(lambda t: t.shape, outputs)

    @property
    def supports_masking(self):
        """Whether outputs get the masks of ``compute_mask`` (see ``engine/masking.py``)."""
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value):
        self._supports_masking = bool(value)

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs, for a layer that supports masking: by default the input's."""
        return mask

    def __call__(self, *args, **kwargs):
        if args:
            inputs, args, first_keyword = args[0], args[1:], None
        else:  # the first argument given by name, ``mha(query=q, value=v)``
            first_keyword = first_call_parameter(type(self))
            if first_keyword not in kwargs:
                raise TypeError(f"Layer {self.name} was called without inputs: pass them as the first "
                                f"argument of the call (or as `{first_keyword}=`).")
            kwargs = dict(kwargs)
            inputs = kwargs.pop(first_keyword)
        flat = tree.flatten(inputs)
        symbolic = [isinstance(t, KerasTensor) for t in flat]
        if any(symbolic) or _has_keras_tensors(args, kwargs):
            if not all(symbolic):
                raise ValueError(
                    f"Layer {self.name} was called with a mix of symbolic tensors (from Input) and "
                    "arrays. Pass all inputs as tensors made from keras.Input, or all as arrays.")
            return self._functional_call(inputs, args, kwargs, first_keyword)
        # As Keras: the outermost call starts with no losses from earlier calls (inner calls keep
        # adding to them, so a layer called twice in one call contributes both losses).
        global _eager_depth
        if not _eager_depth:
            self._clear_losses()
        _eager_depth += 1
        try:
            return self._eager_call(inputs, args, kwargs)
        finally:
            _eager_depth -= 1

    def _eager_call(self, inputs, args, kwargs):
        inputs = tree.map_shape_structure(convert_to_tensor, inputs)
        shapes = tree.map_structure(lambda t: t.shape, inputs)
        self._maybe_build(shapes)
        self.assert_input_compatibility(inputs)
        masks = masking.input_masks(inputs)
        accepted = call_arguments(type(self))
        if kwargs.get("mask") is None and not masking.any_mask(masks) and not handles_masks(self, accepted):
            outputs = self.call(inputs, *args, **self._call_kwargs(kwargs))   # no mask to read or make
            self.add_activity_losses(outputs)
            return outputs
        kwargs, previous_mask = masking.with_mask_argument(self, kwargs, masks, accepted)
        kwargs = masking.with_argument_masks(self, inputs, args, kwargs, accepted)
        outputs = self.call(inputs, *args, **self._call_kwargs(kwargs))
        self.add_activity_losses(outputs)
        for t, m in zip(tree.flatten(outputs), masking.output_masks(self, inputs, outputs, previous_mask)):
            if m is not None:
                masking.set_keras_mask(t, m)
        return outputs

    def _functional_call(self, inputs, args, kwargs, first_keyword=None):
        """A call on KerasTensors: build from the first argument's shapes, find the output
        tensors, and record the call, every argument as given, as a ``Node``.

        Tensors in the other arguments (``layer(targets, logits)``, ``mha(q, v, key=k)``,
        ``rnn(x, initial_state=s)``) are inputs of the node too: the graph follows them."""
        self.assert_input_compatibility(inputs)
        if not self.built:
            self._maybe_build(tree.map_structure(lambda t: t.shape, inputs))
            self.assert_input_compatibility(inputs)
        # The call sees the first argument's masks while the graph is built, as it will at run
        # time (engine/masking.py); the node records only what the caller passed.
        masks = masking.input_masks(inputs)
        call_kwargs, previous_mask = masking.with_mask_argument(self, kwargs, masks, call_arguments(type(self)))
        outputs = self._symbolic_call(inputs, call_kwargs, args)
        flat_out = tree.flatten(outputs)
        with operation.tracing():   # the mask's ops describe a mask, not vertices of the graph
            out_masks = masking.output_masks(self, inputs, outputs, previous_mask)
        for t, m in zip(flat_out, out_masks):
            t._keras_mask = m
        if operation.is_tracing():
            # Called inside another layer's call() while its output shape is being traced:
            # these tensors belong to no graph, so the call leaves no Node behind.
            return outputs
        if first_keyword is None:
            Node(self, (inputs,) + tuple(args), kwargs, flat_out)
        else:  # recorded as given: every argument by name
            Node(self, args, {first_keyword: inputs, **kwargs}, flat_out, first_keyword=first_keyword)
        for i, t in enumerate(flat_out):
            t.name = self.name if len(flat_out) == 1 else f"{self.name}:{i}"
        return outputs

    def _symbolic_call(self, inputs, kwargs, args=()):
        """Output KerasTensors: from ``compute_output_shape`` if the class defines it, else by
        running ``call`` on symbolic inputs (the ops work out shapes)."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            in_shapes = tree.map_structure(lambda t: t.shape, inputs)
            out_shapes = self.compute_output_shape(in_shapes)
            return _shapes_to_tensors(out_shapes, self.dtype)
        # Traced: the ops inside call() work out shapes and record no node (ops/operation.py).
        with operation.tracing():
            try:
                outputs = self.call(inputs, *args, **self._call_kwargs(kwargs))
            except (NotImplementedError, TypeError) as e:
                raise type(e)(
                    f"Could not infer the output shape of layer {self.name} ({type(self).__name__}) "
                    f"by running its call() on symbolic inputs: {e}. Use minikeras.ops inside call(), "
                    "or define compute_output_shape(input_shape).") from e
        return tree.map_structure(lambda t: KerasTensor(t.shape, t.dtype), outputs)

    def _call_kwargs(self, kwargs):
        """Drop ``training``/``mask`` if this layer's ``call`` does not take them."""
        accepted = call_arguments(type(self))
        if "**" in accepted:
            return kwargs
        return {k: v for k, v in kwargs.items() if k in accepted or k not in ("training", "mask")}

    def assert_input_compatibility(self, inputs):
        """Raise a clear error when an input's rank or fixed axes do not match ``input_spec``."""
        assert_input_compatibility(self.input_spec, inputs, self.name, type(self).__name__)

    # -------------------------------------------------------------------- config
    def get_config(self):
        """Keras 3's base config. An ``input_shape`` given to the layer is not part of it:
        a Sequential writes it as an InputLayer, as Keras 3 does.

        A class of the user's that does not define ``get_config`` gets, as in Keras 3, the
        arguments its constructor was called with (``auto_config.py``)."""
        policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self.dtype},
                  "registered_name": None}
        config = {"name": self.name}
        if type(self).get_config is Layer.get_config and not type(self).__module__.startswith("minikeras."):
            config.update(constructor_config(self))
            init = inspect.signature(type(self).__init__).parameters
            if "name" not in init and not any(p.kind == p.VAR_KEYWORD for p in init.values()):
                config.pop("name")   # __init__ could not take it back
        config.update({"trainable": self.trainable, "dtype": policy})
        if self.activity_regularizer is not None:   # written only when set, as Keras 3 does
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _has_keras_tensors(args, kwargs):
    """True if a KerasTensor is anywhere in the positional or keyword arguments."""
    return (bool(args) and any(isinstance(t, KerasTensor) for t in tree.flatten(list(args)))) or \
        (bool(kwargs) and any(isinstance(t, KerasTensor) for t in tree.flatten(kwargs)))


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


def is_written_shape(x):
    """``(None, 3)`` or ``[None, 3]``: a compute_output_shape may write a shape as a list."""
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in x)


def _shapes_to_tensors(shapes, dtype):
    """KerasTensors for what compute_output_shape returned: one shape, or a structure of them."""
    return tree.map_structure(lambda s: KerasTensor(tuple(s), dtype), shapes, is_leaf=is_written_shape)


def handles_masks(layer, accepted):
    """Whether ``layer`` can read or make a mask: its ``call`` takes ``mask`` (the names in
    ``accepted``), or its class defines ``compute_mask``. Other layers, given no mask, have
    none to pass on: a model's walk skips the mask rules for them (engine/masking.py)."""
    return "mask" in accepted or type(layer).compute_mask is not Layer.compute_mask


def _get_regularizer(regularizer):
    if regularizer is None:
        return None
    return regularizers.get(regularizer)
