"""The weights every recurrent layer has, made the same way for each.

SimpleRNN/LSTM/GRU (``recurrent.py``), their cells for the generic ``RNN``
(``rnn_cells.py``) and the ConvLSTM layers (``conv_lstm.py``) all take Keras's nine
options for their three weights (initializer, regularizer and constraint of the kernel,
the recurrent kernel and the bias), and the dense ones build the same input kernel and
recurrent kernel. Written once here, so the three families cannot drift apart.
"""
from .. import constraints, initializers, regularizers


def set_weight_options(layer, kernel_initializer, recurrent_initializer, bias_initializer,
                       kernel_regularizer, recurrent_regularizer, bias_regularizer,
                       kernel_constraint, recurrent_constraint, bias_constraint):
    """Resolve the nine options (names, configs or objects, as Keras accepts) onto ``layer``."""
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.recurrent_initializer = initializers.get(recurrent_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.recurrent_regularizer = regularizers.get(recurrent_regularizer)
    layer.bias_regularizer = regularizers.get(bias_regularizer)
    layer.kernel_constraint = constraints.get(kernel_constraint)
    layer.recurrent_constraint = constraints.get(recurrent_constraint)
    layer.bias_constraint = constraints.get(bias_constraint)


def add_kernels(layer, input_shape, width):
    """``layer.kernel`` (features x width) and ``layer.recurrent_kernel`` (units x width), where
    ``width`` is the number of gates times the units; the feature axis must be known."""
    input_dim = input_shape[-1]
    if input_dim is None:
        raise ValueError(f"Layer {layer.name}: the feature axis (last) of its input must be known, "
                         f"received input shape {tuple(input_shape)}.")
    layer.kernel = layer.add_weight("kernel", (input_dim, width), initializer=layer.kernel_initializer,
                                    regularizer=layer.kernel_regularizer, constraint=layer.kernel_constraint)
    layer.recurrent_kernel = layer.add_weight("recurrent_kernel", (layer.units, width),
                                              initializer=layer.recurrent_initializer,
                                              regularizer=layer.recurrent_regularizer,
                                              constraint=layer.recurrent_constraint)


def lstm_bias_initializer(layer):
    """An LSTM's bias initializer: with ``unit_forget_bias`` (Keras's default) the forget gate's
    bias starts at 1, so early gradients are not forgotten; the other gates use the layer's own."""
    if not layer.unit_forget_bias:
        return layer.bias_initializer
    units, base = layer.units, layer.bias_initializer

    def forget_bias_one(shape, dtype=None):
        value = base((shape[0],), dtype=dtype)
        value[units:2 * units] = 1
        return value
    return forget_bias_one
