"""How many threads BLAS may use while minikeras runs a training or inference step.

minikeras's GEMMs are many and middle-sized: a convolution runs one GEMM per chunk of
images (a few hundred microseconds each), a Dense layer or an LSTM a few small ones.
OpenBLAS splits every GEMM above a fixed size between its threads and then waits for
all of them; an idle worker gives its CPU away (``sched_yield``) and, on a machine
with any other load, gets it back only at the next scheduler tick (4 ms here). So
each multithreaded GEMM can cost a tick instead of its few hundred microseconds.
Measured on the 2-vCPU benchmark machine with other test runs going on (load 1-3;
``benchmarks/RESULTS.md``), one training step with 1 BLAS thread vs the default 2:
seed CNN 75 vs 159 ms, toy ResNet 234 vs 1200 ms, seed LSTM 2.3 vs 64 ms, MNIST MLP
0.74 vs 1.02 ms. On an idle machine two threads would win back up to ~1.8x on the
largest GEMMs only.

So during a step minikeras asks the OpenBLAS libraries loaded in the process (numpy's,
and SciPy's, which numba's ``np.dot`` calls) for ``MINIKERAS_BLAS_THREADS`` threads
(default 1), and gives back the previous setting afterwards: the rest of the program
keeps its own. ``MINIKERAS_BLAS_THREADS=0`` leaves BLAS alone. Without OpenBLAS (MKL,
Accelerate) or outside Linux this module does nothing.
"""
import ctypes
import functools
import os
import threading

__all__ = ["limited_blas_threads", "blas_thread_controls", "has_small_matrix_kernels"]

_lock = threading.Lock()
_depth = 0          # nested limited sections (a step inside fit, a graph inside a step)
_saved = []         # the thread counts to restore when the outermost section ends
_controls = None    # [(set_num_threads, get_num_threads)] per OpenBLAS, found on first use
_core_names = None  # the kernel family ("SkylakeX", "Haswell", ...) each OpenBLAS chose, found on first use

# OpenBLAS kernel families with "small matrix" GEMM kernels for products up to 100**3
# multiply-adds (gemm.py says what they are worth): its AVX-512 families.
_SMALL_MATRIX_CORES = {"skylakex", "cooperlake", "sapphirerapids"}
_PREFIXES = (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "64_"), ("openblas", ""))


def _requested_threads():
    value = os.environ.get("MINIKERAS_BLAS_THREADS", "1").strip()
    try:
        return max(0, int(value))
    except ValueError:
        return 1


def _openblas_libraries():
    """Every OpenBLAS mapped into this process (Linux) as (ctypes library, symbol prefix,
    symbol suffix); SciPy's is mapped first, since numba's ``np.dot`` calls that copy."""
    try:
        import scipy.linalg.cython_blas  # noqa: F401  (numba's np.dot calls SciPy's copy: map it now)
    except ImportError:
        pass
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps
                            if "openblas" in line.lower() and ".so" in line.rsplit("/", 1)[-1]})
    except OSError:
        paths = []
    libraries = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in _PREFIXES:
            if getattr(lib, f"{prefix}_set_num_threads{suffix}", None) is not None:
                libraries.append((lib, prefix, suffix))
                break
    return libraries


def blas_thread_controls():
    """(set, get) ctypes functions of every OpenBLAS mapped into this process (Linux)."""
    global _controls
    if _controls is not None:
        return _controls
    controls = []
    for lib, prefix, suffix in _openblas_libraries():
        setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
        getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
        if getter is not None:
            setter.argtypes, setter.restype, getter.restype = [ctypes.c_int], None, ctypes.c_int
            controls.append((setter, getter))
    _controls = controls
    return controls


def openblas_core_names():
    """The kernel family each OpenBLAS in this process chose for this CPU, lower case."""
    global _core_names
    if _core_names is None:
        names = []
        for lib, prefix, suffix in _openblas_libraries():
            corename = getattr(lib, f"{prefix}_get_corename{suffix}", None)
            if corename is not None:
                corename.restype = ctypes.c_char_p
                names.append((corename() or b"").decode("ascii", "replace").lower())
        _core_names = names
    return _core_names


@functools.lru_cache(maxsize=None)
def has_small_matrix_kernels():
    """Whether every OpenBLAS here has the small-matrix GEMM kernels (``gemm.py``); asked
    once: the libraries do not change while the process runs."""
    names = openblas_core_names()
    return bool(names) and all(name in _SMALL_MATRIX_CORES for name in names)


def _enter():
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            threads = _requested_threads()
            _saved.clear()
            if threads:
                for setter, getter in blas_thread_controls():
                    previous = getter()
                    _saved.append((setter, previous))
                    if previous != threads:
                        setter(threads)


def _exit():
    global _depth
    with _lock:
        _depth -= 1
        if _depth == 0:
            for setter, previous in _saved:
                setter(previous)
            _saved.clear()


def limited_blas_threads(fn):
    """Decorator: run ``fn`` with BLAS limited to MINIKERAS_BLAS_THREADS threads (see above)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _enter()
        try:
            return fn(*args, **kwargs)
        finally:
            _exit()
    return wrapper
