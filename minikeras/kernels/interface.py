"""The functions every kernel backend provides, with the same signatures in each.

``ops`` calls kernels only through these names on ``minikeras.kernels.selected``, so a
backend is any module that defines them all: ``fast`` (numba) and ``reference`` (numpy).
"""
INTERFACE = (
    "add",                                                  # a + b (sums of large arrays, gradients)
    "bias_activation_inplace", "bias_activation_backward",  # y = act(z + bias), in place
    "apply_activation_inplace", "activation_grad_from_output",
    "dense_forward", "dense_backward",
    "conv2d_forward", "conv2d_backward",
    "conv2d_activation_backward",                           # conv2d_backward after the forward's bias + activation
    "depthwise_conv2d_forward", "depthwise_conv2d_backward",
    "conv2d_transpose_forward", "conv2d_transpose_backward",
    "max_pool2d_forward", "max_pool2d_backward", "avg_pool2d_forward", "avg_pool2d_backward",
    "lstm_sequence_forward", "lstm_sequence_backward",
    "gru_sequence_forward", "gru_sequence_backward",
    "simple_rnn_sequence_forward", "simple_rnn_sequence_backward",
    "mean_squared_error_forward", "mean_squared_error_backward",  # a loss over the last axis
    "all_finite",                                           # no NaN or inf (the data checks of fit and predict)
)
