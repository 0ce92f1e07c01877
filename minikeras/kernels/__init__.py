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
