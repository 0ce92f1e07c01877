"""Splitting a kernel's work over the CPUs: one part per thread, each with 1-thread BLAS.

Rows of a Dense layer's input and images of a convolution's batch are independent,
so a large kernel call splits into one part per CPU. Each part runs in its own
thread with single-threaded BLAS; numpy's matmul and the numba loops declared
``nogil=True`` release the GIL, so the parts really run at the same time, as long as a
part returns to Python seldom: every return takes the GIL back, and a thread that finds the
other holding it sleeps (50-100 us to wake on the 2-vCPU guest). So a part that loops over
chunks is better written as one numba call: ``winograd.py``'s are, and it measured the
gain; the im2col driver (``conv_gemm.py``) still loops in Python. That is one
hand-off between threads per kernel call, where OpenBLAS's own threads hand off once
per GEMM (a convolution makes one GEMM per chunk of images), and each hand-off can
cost a scheduler tick on a busy machine (see blas.py). Measurements are in conv.py
and dense.py.

``MINIKERAS_NUM_THREADS`` sets the number of parts (default: the CPUs this process
may use); calls with less than ``MIN_FLOPS_PER_PART`` of work per part are not split,
because handing work to another thread costs tens of microseconds.
"""
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .blas import limited_blas_threads

__all__ = ["batch_parts", "split", "run_parts", "num_threads", "seconds_since_pool_work"]

MIN_FLOPS_PER_PART = 4e6
# Work is counted in GEMM flops; one element of a memory-bound elementwise pass costs
# about as long as 64 of them here (relu backward + bias sums over 3.8M floats: 3.3 ms,
# single-thread GEMMs: ~75 GFLOP/s), so such a pass splits from ~60k elements per part.
ELEMENT_FLOPS = 16
_pool = None
_pool_pid = None
_pool_lock = threading.Lock()
_pool_used_at = float("-inf")  # time.monotonic() of the latest work handed to the pool


def num_threads():
    value = os.environ.get("MINIKERAS_NUM_THREADS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return _usable_cpus()


@functools.lru_cache(maxsize=None)
def _usable_cpus():
    """The CPUs this process may run on, asked once (a system call, 0.5 us, that every
    split dense product paid)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def batch_parts(n, flops):
    """[(b0, b1)] ranges of n rows or images, one per thread (one range when not worth splitting)."""
    if flops < 2 * MIN_FLOPS_PER_PART or n < 2:
        # Most calls of a small model: answered without reading the environment and asking the
        # OS for the CPU count (2-3 us, paid by every layer of every step otherwise).
        return [(0, n)]
    return split(n, max(1, int(min(num_threads(), n, flops // MIN_FLOPS_PER_PART))))


def split(n, count):
    """range(n) cut into ``count`` consecutive (start, stop) pieces of near-equal length."""
    bounds = [n * i // count for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(count)]


def _helpers(count):
    """The helper threads (a new pool after a fork: threads do not survive one)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid() or _pool._max_workers < count:
            _pool, _pool_pid = ThreadPoolExecutor(count, thread_name_prefix="minikeras-kernel"), os.getpid()
        return _pool


def run_parts(fn, parts):
    """fn(*part) for every part (a tuple of arguments), the last one in this thread; the results in order."""
    if len(parts) == 1:
        return [fn(*parts[0])]
    return _run_split(fn, parts)


def seconds_since_pool_work():
    """How long ago work was last handed to the helper threads (inf if never): dense.py
    keeps numba's OpenMP threads away from a program that uses them (it says why)."""
    return time.monotonic() - _pool_used_at


@limited_blas_threads
def _run_split(fn, parts):
    global _pool_used_at
    _pool_used_at = time.monotonic()
    futures = [_helpers(len(parts) - 1).submit(fn, *part) for part in parts[:-1]]
    last = fn(*parts[-1])
    return [f.result() for f in futures] + [last]
