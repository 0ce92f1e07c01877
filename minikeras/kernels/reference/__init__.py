"""The reference kernel backend: plain numpy, written like the equations.

These functions are the executable specification of minikeras's arithmetic: each takes
exactly the arguments of its numba counterpart in the fast backend (``kernels/fast.py``)
and returns the same things, the tests compare the two, and
``MINIKERAS_KERNELS=reference`` runs every model on them (slowly). Read a family here
first (``dense.py``, ``conv.py``, ``pooling.py``, ``recurrent.py``, ``activations.py``,
``losses.py``),
then its fast version for how it is made fast. ``winograd.py`` is not part of the
interface: it specifies the transforms of the fast backend's Winograd convolution, and
the tests hold the numba transforms to it.
"""
import numpy as np

from ..interface import INTERFACE
from .activations import (activation_grad_from_output, apply_activation_inplace, bias_activation_backward,
                          bias_activation_inplace)
from .conv import (conv2d_activation_backward, conv2d_backward, conv2d_forward, conv2d_transpose_backward,
                   conv2d_transpose_forward, depthwise_conv2d_backward, depthwise_conv2d_forward)
from .dense import dense_backward, dense_forward
from .losses import mean_squared_error_backward, mean_squared_error_forward
from .pooling import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward
from .recurrent import (gru_sequence_backward, gru_sequence_forward, lstm_sequence_backward, lstm_sequence_forward,
                        simple_rnn_sequence_backward, simple_rnn_sequence_forward)

__all__ = list(INTERFACE)


def all_finite(a):
    """Whether no value of ``a`` is NaN or infinite (fit, evaluate and predict check their data)."""
    return bool(np.isfinite(a).all())


def add(a, b):
    """a + b: the sum of two arrays (a residual connection, a gradient summed over two branches)."""
    return a + b
