"""The fast kernel backend: numba loops around BLAS GEMMs, one module per family.

This namespace has exactly the names and signatures of ``reference`` (the plain numpy
backend, the executable specification); ``minikeras.kernels.selected`` is one of the
two. Everything that makes these kernels fast stays behind this interface: im2col
chunks, Winograd F(m x m, r x r) for 3x3 and 4x4 stride-1 convolutions (``winograd.py``), threads that split a batch (``threads.py``), reused memory (``buffers.py``),
and the BLAS thread limit (``blas.py``); ``compiling.py`` keeps the garbage collector out of
kernel compiles.
"""
from .activations import (activation_grad_from_output, apply_activation_inplace, bias_activation_backward,
                          bias_activation_inplace)
from . import compiling  # noqa: F401 (pauses the garbage collector while kernels compile)
from .buffers import add
from .checks import all_finite
from .conv import (conv2d_activation_backward, conv2d_backward, conv2d_forward, conv2d_transpose_backward,
                   conv2d_transpose_forward)
from .dense import dense_backward, dense_forward
from .depthwise import depthwise_conv2d_backward, depthwise_conv2d_forward
from .gru import gru_sequence_backward, gru_sequence_forward
from .interface import INTERFACE
from .losses import mean_squared_error_backward, mean_squared_error_forward
from .lstm import lstm_sequence_backward, lstm_sequence_forward
from .pooling import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward
from .simple_rnn import simple_rnn_sequence_backward, simple_rnn_sequence_forward

__all__ = list(INTERFACE)
