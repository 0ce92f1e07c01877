"""Wrappers: TimeDistributed (apply a layer to every time step) and Bidirectional."""
from .. import ops
from ..engine.layer import InputSpec, Layer
from ..engine.saving_hooks import saving_function
from ..engine.tensor import is_symbolic


class Wrapper(Layer):
    """Base class of layers that hold another layer (``self.layer``) and change how it is
    applied; ``get_config`` stores the inner layer's config, ``from_config`` rebuilds it."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `{type(self).__name__}` layer with a `Layer` "
                             f"instance. Received: {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        """Build the wrapped layer on the wrapper's input shape (subclasses that change the
        shape the inner layer sees override this)."""
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
        self.built = True

    def get_config(self):
        return {**super().get_config(), "layer": saving_function("serialize_layer")(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = saving_function("deserialize_layer")(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Apply ``layer`` to each slice along axis 1: (batch, time, ...) -> (batch, time, ...)."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._maybe_build((input_shape[0],) + tuple(input_shape[2:]))
        self.built = True

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (inner[0], input_shape[1]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        flat = ops.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        kwargs = {"training": training} if training is not None else {}
        if mask is not None and not is_symbolic(mask):
            # Each step's slice of the mask, for a wrapped layer whose call() takes one (Keras 3).
            kwargs["mask"] = ops.reshape(mask, (batch * steps,) + tuple(mask.shape[2:]))
        out = self.layer.call(flat, **self.layer._call_kwargs(kwargs))
        return ops.reshape(out, (batch, steps) + tuple(out.shape[1:]))


class Bidirectional(Wrapper):
    """Run an RNN forwards and a copy of it backwards; merge their outputs (default: concat)."""

    def __init__(self, layer, merge_mode="concat", backward_layer=None, weights=None, **kwargs):
        super().__init__(layer, weights=weights, **kwargs)   # set once built, forward layer's first
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Layer {self.name}: invalid merge_mode {merge_mode!r}. Merge mode should "
                             "be one of {'sum', 'mul', 'ave', 'concat', None}.")
        config = layer.get_config()
        self.forward_layer = type(layer).from_config(
            {**config, "name": "forward_" + layer.name.removeprefix("forward_")})
        if backward_layer is None:
            backward_layer = type(layer).from_config(
                {**config, "name": "backward_" + layer.name, "go_backwards": not layer.go_backwards})
        self.backward_layer = backward_layer
        self._tracked_layers = [self.forward_layer, self.backward_layer]
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        out = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            out, states = out[0], out[1:]
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        elif self.merge_mode is None:
            out = [out, out]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states * 2
        return out

    def call(self, inputs, mask=None, training=None):
        fw = self.forward_layer.call(inputs, mask=mask, training=training)
        bw = self.backward_layer.call(inputs, mask=mask, training=training)
        fw_states = bw_states = []
        if self.return_state:
            fw, fw_states = fw[0], fw[1:]
            bw, bw_states = bw[0], bw[1:]
        if self.return_sequences:
            bw = ops.flip(bw, 1)  # the backward layer emits its sequence in reverse time
            step_mask = mask[0] if isinstance(mask, (list, tuple)) else mask
            if step_mask is not None and not is_symbolic(step_mask):
                # As Keras 3 (zero_output_for_mask): masked steps output zeros in both directions,
                # not the state carried over from the last real step.
                keep = ops.expand_dims(ops.cast(step_mask, fw.dtype), -1)
                fw, bw = ops.multiply(fw, keep), ops.multiply(bw, keep)
        if self.merge_mode == "concat":
            out = ops.concatenate([fw, bw], axis=-1)
        elif self.merge_mode == "sum":
            out = ops.add(fw, bw)
        elif self.merge_mode == "ave":
            out = ops.multiply(ops.add(fw, bw), 0.5)
        elif self.merge_mode == "mul":
            out = ops.multiply(fw, bw)
        else:
            out = [fw, bw]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + list(fw_states) + list(bw_states)
        return out

    def compute_mask(self, inputs, mask=None):
        """The sequence mask for a returned sequence (one per direction without merge_mode);
        no mask for the last step alone, nor for the states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            return mask if self.merge_mode else [mask, mask]
        return None if self.merge_mode else [None, None]

    def get_config(self):
        # Keras 3 writes the two directions it runs: "layer" is the forward copy.
        serialize_layer = saving_function("serialize_layer")
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_layer(self.forward_layer),
                "backward_layer": serialize_layer(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = saving_function("deserialize_layer")(config["backward_layer"], custom_objects)
        return super().from_config(config, custom_objects)
