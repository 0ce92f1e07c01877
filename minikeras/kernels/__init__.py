"""Kernels: the arithmetic under the layers, as two backends with one interface.

* ``reference/`` is plain numpy, written like the equations: the executable
  specification, one module per family (dense, conv, pooling, recurrent, activations).
* the numba modules beside it are the fast backend (``fast.py`` gathers them): the same
  functions with the same signatures, each citing its reference. GEMMs go to BLAS and
  numba does the loops around them (im2col, or Winograd's tile transforms for 3x3 and
  4x4 stride-1 convolutions, specified in numpy by ``reference/winograd.py``); threads
  (``threads.py``), reused memory (``buffers.py``) and the BLAS thread limit
  (``blas.py``) stay inside this backend.

``interface.py`` lists the functions; ``ops`` calls them on ``selected``, the chosen
backend. ``MINIKERAS_KERNELS=reference`` in the environment (read once, when minikeras
is imported) selects the references, which is slow but lets a reader step through every
model in plain numpy; the default is ``fast``. ``use(name)`` switches in a running
program (the tests compare the two backends on whole models this way). Convolution
geometry, shared by both backends, the layers and ``ops``, is ``conv_geometry.py``.

Kernels are pure array functions (no layers, no autodiff). Arrays cross the boundary
as C-contiguous float32 (float64 also works, for gradient checks).

Compiled code is cached on disk (``cache=True``), normally in ``__pycache__`` next
to these files; ``minikeras warmup`` (``utils/warmup.py``) compiles it all ahead of time.
Every kernel is also declared with ``no_cfunc_wrapper=True``: by default numba compiles,
besides each kernel and its Python entry point, a C-callable entry point used only when
a jitted function is handed to another one as a value, which minikeras never does; it
cost about 0.008 s of CPU per kernel in a new process's first step (the seed CNN's
cold first step: 1.51 -> 1.40 s of compiling, issue 16). numba's cache does not notice edits to *another* file, so after
editing ``activations.py`` delete the caches of the modules that import from it
(``recurrent.py``, ``lstm.py``...), or set ``NUMBA_CACHE_DIR`` to a fresh directory.
"""
import importlib
import os

# A read-only install (site-packages owned by root) cannot hold the cache; give
# numba a per-user directory before any @njit(cache=True) decorator runs, because
# each dispatcher picks its cache location when it is created.
if "NUMBA_CACHE_DIR" not in os.environ and not os.access(os.path.dirname(__file__), os.W_OK):
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(os.path.expanduser("~"), ".cache", "minikeras", "numba")
    from numba.core import config as _numba_config

    _numba_config.reload_config()  # numba may already be imported with the old setting

BACKENDS = ("fast", "reference")


def _backend_module(name):
    if name not in BACKENDS:
        raise ValueError(f"Unknown kernel backend {name!r} (MINIKERAS_KERNELS): expected one of {BACKENDS}")
    # Imported by name so that a program on the references never loads (or compiles) numba kernels.
    return importlib.import_module(f"{__name__}.{name}")


selected = _backend_module(os.environ.get("MINIKERAS_KERNELS", "fast").strip().lower() or "fast")


def use(name):
    """Run every following operation on the backend ``name`` ('fast' or 'reference');
    returns the name of the backend used until now."""
    global selected
    previous = selected.__name__.rsplit(".", 1)[1]
    selected = _backend_module(name)
    return previous
