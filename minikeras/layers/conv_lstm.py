"""``ConvLSTM1D/2D/3D``: an LSTM whose products are convolutions, for sequences of images
(or of 1-D signals, or of volumes).

The cell is the LSTM cell with each matrix product replaced by a convolution: the gates
``i, f, g, o`` come from ``conv(x_t, kernel) + bias + conv(h_{t-1}, recurrent_kernel)``, the
first with the layer's strides, padding and dilation, the second with stride 1 and 'same'
padding so the state keeps its shape; then, as in ``LSTMCell``, ``c_t = f c_{t-1} + i g`` and
``h_t = o activation(c_t)``. The states h and c are feature maps of the input convolution's
output shape. The layer is the generic ``RNN`` (``layers/rnn.py``) around this cell, one Python
step per time step.
"""
from .. import activations, constraints, initializers, ops, regularizers
from ..engine.layer import InputSpec, Layer
from ..kernels.conv_geometry import conv_output_length
from .convolutional import conv3d, normalize_padding, normalize_tuple
from .rnn import RNN
from .rnn_cells import DropoutRNNCell, lstm_update
from .rnn_weights import set_weight_options


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One step of a ConvLSTM of spatial ``rank`` 1, 2 or 3 (see the module docstring)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Layer {self.name}: minikeras supports data_format='channels_last' only, "
                             f"received {data_format!r}.")
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"Layer {self.name}: `filters` must be a positive integer, received {filters!r}.")
        self.rank, self.filters = rank, filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", self.name)
        self.strides = normalize_tuple(strides, rank, "strides", self.name)
        self.padding = normalize_padding(padding, self.name)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", self.name)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"Layer {self.name}: `strides > 1` is not compatible with `dilation_rate > 1`; received "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}.")
        if dropout or recurrent_dropout:
            raise ValueError(f"Layer {self.name}: dropout and recurrent_dropout are not supported by minikeras's "
                             "ConvLSTM layers (Keras draws four masks per sequence); add a SpatialDropout layer.")
        self.data_format = "channels_last"
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        set_weight_options(self, kernel_initializer, recurrent_initializer, bias_initializer,
                           kernel_regularizer, recurrent_regularizer, bias_regularizer,
                           kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout, self.recurrent_dropout, self.seed = 0.0, 0.0, seed
        self._dropout_mask = self._recurrent_dropout_mask = None
        self.state_size = -1          # known once built: the state is a feature map

    def build(self, input_shape):
        self.spatial_dims = tuple(input_shape[1:-1])
        if None in self.spatial_dims or input_shape[-1] is None:
            raise ValueError(f"Layer {self.name}: ConvLSTM needs known spatial sizes and channels; received "
                             f"input shape {tuple(input_shape)}.")
        self.input_dim = input_shape[-1]
        width = 4 * self.filters
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.input_dim, width),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", self.kernel_size + (self.filters, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            base, filters = self.bias_initializer, self.filters

            def forget_bias_one(shape, dtype=None):
                # As Keras: the forget gate's bias starts at 1.
                value = base((shape[0],), dtype=dtype)
                value[filters:2 * filters] = 1
                return value
            self.bias = self.add_weight("bias", (width,), regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint,
                                        initializer=forget_bias_one if self.unit_forget_bias else base)
        self.state_size = [self.state_shape(), self.state_shape()]
        self.built = True

    def state_shape(self):
        """A state's shape without the batch axis: the input convolution's output."""
        spatial = tuple(conv_output_length(n, k, s, d, self.padding) for n, k, s, d in
                        zip(self.spatial_dims, self.kernel_size, self.strides, self.dilation_rate))
        return spatial + (self.filters,)

    @property
    def output_size(self):
        return self.filters

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size,) + self.state_shape()) for _ in range(2)]

    def _conv(self, x, kernel, strides, padding, dilation):
        if self.rank == 3:
            return conv3d(x, kernel, strides, padding, dilation)
        return ops.nn.conv(x, kernel, None, strides=strides, padding=padding, dilation_rate=dilation)

    def call(self, inputs, states, training=False):
        h, c = states[0], states[1]
        z = self._conv(inputs, self.kernel, self.strides, self.padding, self.dilation_rate)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z = ops.add(z, self._conv(h, self.recurrent_kernel, (1,) * self.rank, "same", (1,) * self.rank))
        h, c = lstm_update(z, c, self.activation, self.recurrent_activation)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), **_cell_config(self)}


def _cell_config(cell):
    return {"filters": cell.filters, "kernel_size": list(cell.kernel_size), "strides": list(cell.strides),
            "padding": cell.padding, "data_format": cell.data_format, "dilation_rate": list(cell.dilation_rate),
            "activation": activations.serialize(cell.activation),
            "recurrent_activation": activations.serialize(cell.recurrent_activation), "use_bias": cell.use_bias,
            "kernel_initializer": initializers.serialize(cell.kernel_initializer),
            "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
            "bias_initializer": initializers.serialize(cell.bias_initializer),
            "unit_forget_bias": cell.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
            "kernel_constraint": constraints.serialize(cell.kernel_constraint),
            "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
            "bias_constraint": constraints.serialize(cell.bias_constraint),
            "dropout": cell.dropout, "recurrent_dropout": cell.recurrent_dropout, "seed": cell.seed}


class ConvLSTM(RNN):
    """The generic RNN around a ConvLSTMCell; the arguments are the cell's and the RNN's."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, activity_regularizer=None, **kwargs):
        cell = ConvLSTMCell(self.rank, filters, kernel_size, strides=strides, padding=padding,
                            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                            recurrent_activation=recurrent_activation, use_bias=use_bias,
                            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         zero_output_for_mask=zero_output_for_mask, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.input_spec = InputSpec(ndim=self.rank + 3)

    @property
    def state_size(self):
        return [-1, -1]

    def compute_output_shape(self, input_shape):
        batch, steps = input_shape[0], input_shape[1]
        spatial = tuple(conv_output_length(n, k, s, d, self.cell.padding) for n, k, s, d in
                        zip(input_shape[2:-1], self.cell.kernel_size, self.cell.strides, self.cell.dilation_rate))
        state = (batch,) + spatial + (self.cell.filters,)
        output = (batch, steps) + state[1:] if self.return_sequences else state
        return [output, state, state] if self.return_state else output

    def get_config(self):
        config = super().get_config()
        config.pop("cell")
        return {**config, **_cell_config(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)   # the cell's arguments are the layer's own


class ConvLSTM1D(ConvLSTM):
    rank = 1


class ConvLSTM2D(ConvLSTM):
    rank = 2


class ConvLSTM3D(ConvLSTM):
    rank = 3
