"""Recurrent layers: SimpleRNN, LSTM, GRU.

Weights follow Keras: ``kernel`` (input_dim, gates*units), ``recurrent_kernel``
(units, gates*units) and ``bias``, gates side by side (LSTM: i, f, c, o; GRU: z, r, h).
The whole sequence runs as one fused operation (``ops.nn.rnn``): one GEMM projects every
time step's input, then a numba loop walks through time.
"""
from .. import activations, constraints, initializers, ops, random, regularizers
from ..engine.layer import InputSpec, Layer
from ..engine.tensor import is_symbolic
from .rnn_weights import add_kernels, lstm_bias_initializer, set_weight_options


class RNNBase(Layer):
    keras2_tensor_arguments = ("initial_state",)   # a Keras 2 (.h5) config lists [inputs, *states]
    cell_type = "simple"
    gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, seed=None, zero_output_for_mask=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Layer {self.name}: `units` must be a positive integer, received {units!r}.")
        if stateful:
            raise ValueError(f"Layer {self.name}: stateful=True is not supported by minikeras.")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        try:  # the kernels fuse only some activations: say so now, not at the first batch
            ops.nn.rnn_activation_code(self.activation, "activation")
            ops.nn.rnn_activation_code(self.recurrent_activation, "recurrent_activation")
        except ValueError as e:
            raise ValueError(f"Layer {self.name}: {e}") from None
        self.use_bias = use_bias
        set_weight_options(self, kernel_initializer, recurrent_initializer, bias_initializer,
                           kernel_regularizer, recurrent_regularizer, bias_regularizer,
                           kernel_constraint, recurrent_constraint, bias_constraint)
        for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate <= 1:
                raise ValueError(f"Layer {self.name}: `{arg}` must be between 0 and 1, received {rate!r}.")
        if recurrent_dropout:
            raise ValueError(f"Layer {self.name}: recurrent_dropout={recurrent_dropout!r} is not supported by "
                             "minikeras (the fused recurrent kernels have no dropout on the state); use "
                             "`dropout` (on the inputs) or a Dropout layer after the RNN.")
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        # As in Keras 3: one input mask per sequence, the same at every time step.
        self.seed_generator = random.SeedGenerator(seed) if dropout and seed is not None else None
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.seed = seed
        # Keras's option: masked steps output zeros instead of the last real step's output
        # (Bidirectional sets it on the layers it runs when it returns sequences).
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True

    @property
    def state_count(self):
        return 2 if self.cell_type == "lstm" else 1

    def assert_input_compatibility(self, inputs):
        sequence = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        super().assert_input_compatibility(sequence)

    def _bias_shape(self):
        return (self.gates * self.units,)

    def build(self, input_shape):
        seq_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        add_kernels(self, seq_shape, self.gates * self.units)
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(), initializer=self._bias_init(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=3, axes={-1: seq_shape[-1]})
        self.built = True

    def _bias_init(self):
        return self.bias_initializer

    def compute_output_shape(self, input_shape):
        seq_shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch, steps = seq_shape[0], seq_shape[1]
        output = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def compute_mask(self, inputs, mask=None):
        mask = mask[0] if isinstance(mask, list) else mask
        out = mask if self.return_sequences else None
        return [out] + [None] * self.state_count if self.return_state else out

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            inputs, initial_state = inputs[0], list(inputs[1:])  # a Keras 2 style (.h5) call
        elif initial_state is not None and not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        if isinstance(mask, list):
            mask = mask[0]
        if training and self.dropout:
            inputs = random.dropout(inputs, self.dropout, noise_shape=(None, 1, None), seed=self.seed_generator)
        outputs, states = ops.nn.rnn(
            self.cell_type, inputs, self.kernel, self.recurrent_kernel, self.bias,
            initial_state=initial_state, mask=mask, go_backwards=self.go_backwards,
            return_sequences=self.return_sequences, return_state=self.return_state,
            activation=self.activation, recurrent_activation=self.recurrent_activation,
            reset_after=getattr(self, "reset_after", True))
        if self.zero_output_for_mask and mask is not None and not is_symbolic(mask):
            keep = ops.cast(mask, outputs.dtype)
            if self.go_backwards:
                keep = ops.flip(keep, 1)   # the outputs are in the order the steps were read
            outputs = ops.multiply(outputs, ops.expand_dims(keep, -1) if self.return_sequences else keep[:, -1:])
        return [outputs] + list(states) if self.return_state else outputs

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "seed": self.seed,
                # written only when on, so configs of the usual layers stay as they were
                **({"zero_output_for_mask": True} if self.zero_output_for_mask else {})}


class SimpleRNN(RNNBase):
    cell_type, gates = "simple", 1

    def get_config(self):
        return super().get_config()


class LSTM(RNNBase):
    cell_type, gates = "lstm", 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_init(self):
        return lstm_bias_initializer(self)

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias,
                "recurrent_activation": activations.serialize(self.recurrent_activation)}


class GRU(RNNBase):
    """Gated recurrent unit. ``reset_after=True`` (Keras 3's default) has two bias rows."""

    cell_type, gates = "gru", 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after,
                "recurrent_activation": activations.serialize(self.recurrent_activation)}
