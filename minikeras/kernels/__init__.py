"""Numba kernels: one module per layer family, each kernel beside a numpy reference.

The kernels are pure array functions (no layers, no autodiff). Arrays cross the
boundary as C-contiguous float32 (float64 also works, for gradient checks); every
GEMM goes to BLAS and numba does the loops around it.

Compiled code is cached on disk (``cache=True``), normally in ``__pycache__`` next
to these files. numba's cache does not notice edits to *another* file, so after
editing ``activations.py`` delete the caches of the modules that import from it
(``recurrent.py``), or set ``NUMBA_CACHE_DIR`` to a fresh directory.
"""
import os

# A read-only install (site-packages owned by root) cannot hold the cache; give
# numba a per-user directory before any @njit(cache=True) decorator runs, because
# each dispatcher picks its cache location when it is created.
if "NUMBA_CACHE_DIR" not in os.environ and not os.access(os.path.dirname(__file__), os.W_OK):
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(os.path.expanduser("~"), ".cache", "minikeras", "numba")
    from numba.core import config as _numba_config

    _numba_config.reload_config()  # numba may already be imported with the old setting


def warmup(dtype="float32"):
    """Compile (or load from the cache) every kernel for ``dtype`` arrays, one after another.

    The first call with an empty cache takes several seconds; afterwards it only loads
    the cached machine code. Returns the seconds spent.
    """
    import time

    import numpy as np

    from . import activations, conv, dense, pooling, recurrent

    start = time.perf_counter()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 5, 2)).astype(dtype)
    kernel = rng.standard_normal((3, 3, 2, 2)).astype(dtype)
    y = conv.conv2d_forward(x, kernel, (1, 1), "same", bias=np.zeros(2, dtype), code=activations.RELU)
    activations.bias_activation_backward(y, y, activations.RELU, True)
    conv.conv2d_backward(x, kernel, y, (1, 1), "same")
    conv.depthwise_conv2d_backward(x, kernel, conv.depthwise_conv2d_forward(x, kernel))
    pooled, argmax = pooling.max_pool2d_forward(x, 2)
    pooling.max_pool2d_backward(pooled, argmax, x.shape)
    pooling.avg_pool2d_backward(pooling.avg_pool2d_forward(x, 2), x.shape, 2)
    dense.dense_forward(x.reshape(10, 10), kernel.reshape(18, 2)[:10], None, activations.TANH)
    h0 = np.zeros((2, 2), dtype)
    for run_forward, run_backward, gates in ((recurrent.lstm_sequence_forward, recurrent.lstm_sequence_backward, 4),
                                             (recurrent.gru_sequence_forward, recurrent.gru_sequence_backward, 3)):
        U = rng.standard_normal((2, 2 * gates)).astype(dtype)
        xproj = rng.standard_normal((3, 2, 2 * gates)).astype(dtype)
        if gates == 4:
            saved = run_forward(xproj, h0, h0, U)
            run_backward(U, h0, h0, *saved, saved[0])
        else:
            saved = run_forward(xproj, h0, U)
            run_backward(U, h0, *saved, saved[0])
    U = rng.standard_normal((2, 2)).astype(dtype)
    hs = recurrent.simple_rnn_sequence_forward(rng.standard_normal((3, 2, 2)).astype(dtype), h0, U)
    recurrent.simple_rnn_sequence_backward(U, h0, hs, hs)
    return time.perf_counter() - start
