"""Dense (fully connected) layer: y = act(x @ kernel + bias) (fast backend; reference:
``reference/dense.py``, same names and signatures).

The matrix product is the whole cost, so it goes to numpy's BLAS; the bias and the
activation are applied afterwards in one fused numba pass over y (see
``activations.py``), instead of one numpy pass each. Backward mirrors it: one fused
pass turns dy into dz = dy * act'(y) and sums the bias gradient at the same time,
then two GEMMs give dx and dkernel.

Activation codes come from ``activation_codes.py`` (softmax over the units is one); an
activation without a code (elu...) is the layer's business: call these with LINEAR and
apply it after.

Threads. A large layer (from ``POOL_FLOPS`` of forward work, 20 MFLOP) splits its rows
over the Python threads of ``threads.py``, forward and backward; handing work to one costs
45-60 us on the 2-vCPU machine, small beside such a layer. A forward GEMM from
``SPLIT_FLOPS`` up to that size is split by ``_matmul_split_rows`` instead, a numba
``prange`` loop: numba runs it on its OpenMP threads, which wait for work spinning, so the
hand-off costs ~2 us. Its two backward products run there too, one on each thread
(``_backward_split``: dkernel = x.T @ dz beside dx = dz @ kernel.T). Measured (one process,
interleaved, 2026-12-05): both products of 64x256 @ 256x256 200 -> 99 us (row and column
blocks of both, as the Python threads share them: 120 us); training steps of Dense(256)
twice at batch 32 0.55 -> 0.48 ms, at batch 128 1.07 -> 0.88 ms, Dense(512) twice at batch
32 1.73 -> 1.48 ms (0.96-1.00x in runs on a noisy machine, never slower). A model's first layer
needs no dx and keeps its one product on one thread: halving it (half of dkernel's rows on
each thread) made it 0.72x as long (the MNIST MLP's, 784x64 at batch 64: 69 -> 50 us) but
the MNIST MLP's step 0.96-1.09x, more often slower. (The Python threads once
started at 8 MFLOP, ``threads.batch_parts``'s size for every kernel. Measured, one training
step of one Dense(units, relu) on units inputs, interleaved: Dense(256) at batch 64 (8.4
MFLOP) 0.49 -> 0.35 ms and at batch 128 0.57 -> 0.52 ms from 20 MFLOP on; from 40 MFLOP
Dense(512) at batch 64 (34 MFLOP) lost, 0.86 -> 1.13 ms.)
(Larger layers stay on the Python threads because the two kinds met badly: right after an
OpenMP forward, its still-spinning thread took the second CPU from the pool thread of the
backward pass; one Dense(1024) training step at batch 64 took 8.1 ms, against 3.4-4.4 ms
with both passes on the pool.) Measured there (one process, machine otherwise idle), numpy's 1-thread matmul
vs the 2-part split: 32x784 @ 784x64 (the MNIST MLP's first layer at batch 32) 38.8 vs
15.8 us; 64x784x64 69.5 vs 48.5; 256x64x64 23.0 vs 11.0; 128x512x128 168 vs 101 us;
64x1024x1024 1.68 vs 1.02 ms. The kernel costs its process ~0.08 s to load from the
cache (0.9 s to compile, once per machine; ``minikeras warmup`` does it), while a call
just below ``SPLIT_FLOPS`` gains under 10 us (32x2704 @ 2704x10: 26 -> 17 us); so the
small layers of small models stay on one thread.

The split needs the other CPU. When another program holds it, the waiting thread spins
until the scheduler takes its CPU away, and a split call can then take ~8 ms (measured:
the MNIST MLP's predict_on_batch went from 0.13 to 8.0 ms per call, for minutes, while
other programs kept this 2-CPU machine at a load of 1.5-1.8; PyTorch's own threads
collapse the same way). So a split call that takes
far longer than its work (``_too_slow``) pauses splitting, after which one call tries
again. Every slow try doubles the pause, up to ``PAUSE_SECONDS[1]``, and every normal
call halves it, down to ``PAUSE_SECONDS[0]``: on a busy machine that costs one slow call
every 1-2 s, while a single hiccup of a quiet one (a 2-4 ms call about once in 5,000
calls, the guest's CPU taken away for a moment) costs a pause of 20 ms. Two simpler rules
were measured and dropped: a fixed 1 s pause left the MNIST MLP's predict_on_batch unsplit
for about half of the calls on the quiet machine (132 us per call split, 175-184 us not),
and resetting the pause after a normal call let a machine busy half of the time make a
slow call nearly every toy-ResNet step.

The two kinds of threads must not take turns. After a split, numba's OpenMP thread keeps
spinning for some milliseconds, waiting for more work; if the next call hands work to a
Python thread (a convolution), the two fight over the second CPU. Measured on the toy
ResNet, whose Dense(256) (2.1 MFLOP) runs between its convolutions: predict_on_batch took
26.0 ms with the split and 18.9 ms without it (median of 9 interleaved rounds). So a
product is not split while the Python threads have had work in the last
``POOL_QUIET_SECONDS``: a model with convolutions or large layers keeps its small dense
products on one thread; the MNIST MLP, which never uses the Python threads, splits.

GNU OpenMP cannot be used again in a child forked after it ran, and numba's other
threading layer (``workqueue``) must not be entered by two Python threads at once: a
forked child, and a second thread arriving while the split runs, compute without threads.

Same numbers whichever way: a paused, forked, concurrent or pool-sharing call computes the same
blocks one after the other (``_matmul_row_blocks``, ``_backward_products``), with the same BLAS
calls as the threads, so its result is bitwise the split's. (numpy's own matmul of the whole matrix
may round differently: another BLAS library and other block shapes; a model saved and
loaded again, or predicting twice, must give the same bits whatever the machine's load.)
Which blocks a product gets depends only on its shape and ``MINIKERAS_NUM_THREADS``.
"""
import os
import threading
import time

import numpy as np
from numba import njit, prange

from . import buffers
from .activation_codes import SOFTMAX
from .activations import bias_activation_backward, bias_activation_columns, bias_activation_inplace
from .gemm import SMALL_MNK, matmul_rows, small_rows
from .threads import batch_parts, num_threads, run_parts, seconds_since_pool_work, split

__all__ = ["dense_forward", "dense_backward", "compile_split_kernels", "SPLIT_FLOPS"]

SPLIT_FLOPS = 2e6
POOL_FLOPS = 2e7  # forward GEMM work from which a layer's passes go to the Python threads (see above)
POOL_QUIET_SECONDS = 1.0  # no split while the Python threads had work this recently (see above)
PAUSE_SECONDS = (0.02, 2.0)  # the first pause after a slow call, and the longest (see above)
_SPLIT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_split_lock = threading.Lock()
_split_state = {"forked": False, "paused_until": 0.0, "pause": PAUSE_SECONDS[0], "started": False}
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _split_state.__setitem__("forked", True))


def _too_slow(seconds, flops):
    """Whether a split call waited for the scheduler rather than computed: it took over 1 ms
    more than twice its work at 20 GFLOP/s (a quarter of one CPU's rate on these GEMMs)."""
    return seconds > 1e-3 + 2 * flops / 20e9


@njit(cache=True, no_cfunc_wrapper=True, parallel=True)
def _matmul_split_rows(x2d, kernel, y, parts, small):
    """y = x2d @ kernel, row block p of ``parts`` computed by numba's thread p, ``small``
    rows per BLAS call (gemm.py)."""
    rows = x2d.shape[0]
    for p in prange(parts):
        matmul_rows(x2d, kernel, y, rows * p // parts, rows * (p + 1) // parts, small)


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _matmul_row_blocks(x2d, kernel, y, parts, small):
    """_matmul_split_rows's blocks in this thread, one after the other: the same bits."""
    rows = x2d.shape[0]
    for p in range(parts):
        matmul_rows(x2d, kernel, y, rows * p // parts, rows * (p + 1) // parts, small)


@njit(cache=True, no_cfunc_wrapper=True, parallel=True)
def _backward_split(x2d, kernel, dz, dkernel, dx):
    """A dense layer's two backward products at once, one on each of two numba threads:
    dkernel = x2d.T @ dz and dx = dz @ kernel.T."""
    for p in prange(2):
        _backward_product(x2d, kernel, dz, dkernel, dx, p)


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _backward_products(x2d, kernel, dz, dkernel, dx):
    """_backward_split's products in this thread, one after the other: the same bits."""
    for p in range(2):
        _backward_product(x2d, kernel, dz, dkernel, dx, p)


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _backward_product(x2d, kernel, dz, dkernel, dx, p):
    if p == 0:
        np.dot(x2d.T, dz, dkernel)
    else:
        np.dot(dz, kernel.T, dx)


def _split_matmul(x2d, kernel, flops):
    """x2d @ kernel in row blocks, on numba's threads when they can be used; None when this
    product has one block (one CPU, or one row): numpy's matmul then."""
    parts = min(num_threads(), x2d.shape[0])
    if parts < 2:
        return None
    y = buffers.empty((x2d.shape[0], kernel.shape[1]), x2d.dtype)
    small = small_rows(-(-x2d.shape[0] // parts), kernel.shape[0], kernel.shape[1])  # the same for every part
    _on_numba_threads(_matmul_split_rows, _matmul_row_blocks, flops, x2d, kernel, y, parts, small)
    return y


def _split_backward(x2d, kernel, dz, flops):
    """(dx, dkernel), one product on each of numba's threads when they can be used; None on
    one CPU. ``flops``: the forward product's (each backward product does as much)."""
    if num_threads() < 2:
        return None
    dkernel = np.empty(kernel.shape, x2d.dtype)
    dx = buffers.empty(x2d.shape, x2d.dtype)
    _on_numba_threads(_backward_split, _backward_products, 2 * flops, x2d, kernel, dz, dkernel, dx)
    return dx, dkernel


def _on_numba_threads(threaded, one_thread, flops, *args):
    """``threaded(*args)`` (a prange kernel) when numba's threads may be used now, else its
    twin ``one_thread(*args)``, which computes the same blocks one after the other: a forked
    child, a paused split (``_judge_split``), Python threads at work (``POOL_QUIET_SECONDS``)
    or another thread inside a split already (the module docstring says why each)."""
    if _split_state["forked"] or time.monotonic() < _split_state["paused_until"] \
            or seconds_since_pool_work() < POOL_QUIET_SECONDS or not _split_lock.acquire(blocking=False):
        one_thread(*args)
        return
    try:
        start = time.perf_counter()
        threaded(*args)
        # (the first call also starts numba's threads: it is not judged)
        if _split_state["started"]:
            _judge_split(time.perf_counter() - start, flops)
        _split_state["started"] = True
    finally:
        _split_lock.release()


def _judge_split(seconds, flops):
    """After a split call: pause splitting if it waited, and double the next pause; a call
    that did not wait halves it."""
    if _too_slow(seconds, flops):
        _split_state["paused_until"] = time.monotonic() + _split_state["pause"]
        _split_state["pause"] = min(2 * _split_state["pause"], PAUSE_SECONDS[1])
    else:
        _split_state["pause"] = max(_split_state["pause"] / 2, PAUSE_SECONDS[0])


def compile_split_kernels(dtype):
    """Compile the threaded splits (forward and backward) and their one-thread twins for
    ``dtype`` (``utils/warmup.py``: a split call that finds the other CPU busy must not compile
    in the middle of a step)."""
    x, kernel, y = np.ones((2, 3), dtype), np.ones((3, 2), dtype), np.empty((2, 2), dtype)
    dx, dkernel = np.empty((2, 3), dtype), np.empty((3, 2), dtype)
    _matmul_row_blocks(x, kernel, y, 2, 0)
    _backward_products(x, kernel, y, dkernel, dx)
    if not _split_state["forked"]:
        _matmul_split_rows(x, kernel, y, 2, 0)
        _backward_split(x, kernel, y, dkernel, dx)


# A thread's share of a large layer's forward product is a block of columns, not of rows,
# when not even 8 of its rows fit gemm.py's small-matrix blocks (k * units over
# SMALL_MNK / 8) and each thread gets at least MIN_COLUMNS_PER_PART columns. BLAS then packs
# each half of the kernel once for all rows, instead of the whole kernel once per thread for
# half of the rows (64x1024x1024 at 62 -> 80 GFLOP/s, below).
# Measured, one thread's half, OpenBLAS SkylakeX, rows / columns: 64x1024x1024 948 / 834 us,
# 64x4096x4096 22.5 / 14.1 ms, 32x784x512 236 / 168 us, 256x1024x1024 2.84 / 2.70 ms;
# where the small blocks apply rows win (64x256x256: 36 / 45 us, 512x256x256: 291 / 330).
MIN_COLUMNS_PER_PART = 128


def _by_columns(k, units, parts, code):
    """Whether a large layer's forward splits its units (columns) over the threads."""
    return 8 * k * units > SMALL_MNK and units >= MIN_COLUMNS_PER_PART * parts and code != SOFTMAX


def _pool_parts(n, flops):
    """The parts of a layer whose forward product does ``flops``: one below POOL_FLOPS."""
    return batch_parts(n, flops) if flops >= POOL_FLOPS else [(0, n)]


def dense_forward(x2d, kernel, bias, code):
    """y = act(x2d @ kernel + bias); x2d (batch, in), kernel (in, units), bias (units,) or None."""
    x2d = np.ascontiguousarray(x2d)
    kernel = np.ascontiguousarray(kernel, dtype=x2d.dtype)
    rows, k = x2d.shape
    flops = 2 * rows * k * kernel.shape[1]
    parts = _pool_parts(rows, flops)
    floats = x2d.dtype in _SPLIT_DTYPES  # numba's np.dot takes float32 and float64 only
    if len(parts) > 1:  # a large layer: rows split over the Python threads (threads.py)
        y = buffers.empty((rows, kernel.shape[1]), x2d.dtype)
        if floats and _by_columns(k, kernel.shape[1], len(parts), code):
            def columns(c0, c1):  # BLAS reads and writes the column blocks in place (strided)
                np.matmul(x2d, kernel[:, c0:c1], out=y[:, c0:c1])
                bias_activation_columns(y, c0, c1, bias, code)
            run_parts(columns, split(kernel.shape[1], len(parts)))
            return y

        # each part's row blocks (gemm.py) in one numba call, which holds no lock: as numpy
        # calls from Python, the two threads took turns for the interpreter between blocks of
        # 8 rows, and Dense(256) on 512 rows trained 1.4x slower than with one call per part
        small = small_rows(-(-rows // len(parts)), k, kernel.shape[1])

        def part(r0, r1):
            if floats:
                matmul_rows(x2d, kernel, y, r0, r1, small)
            else:
                np.matmul(x2d[r0:r1], kernel, out=y[r0:r1])
            bias_activation_inplace(y[r0:r1], bias, code)
        run_parts(part, parts)
        return y
    y = _split_matmul(x2d, kernel, flops) if flops >= SPLIT_FLOPS and floats else None
    if y is not None:
        return bias_activation_inplace(y, bias, code)
    # For floats np.dot, not matmul: the same BLAS call (the same bits), 0.35 us less per call
    # (32x10 @ 10x10: 0.70 vs 1.05 us), and matmul runs an inner dimension of 1 through a slow
    # loop of its own (an LSTM's input projection, 3200x1 @ 1x40: 145 us, 31 us). Other types
    # keep matmul, whose TypeError for text ops/core.py turns into a message saying what to do.
    y = np.dot(x2d, kernel) if x2d.dtype.kind == "f" else x2d @ kernel
    return bias_activation_inplace(y, bias, code)


def dense_backward(x2d, kernel, y, dy, code, has_bias, need_dx=True):
    """Gradients of dense_forward from its input x2d, its output y and dL/dy.

    Returns (dx or None if not need_dx, dkernel, dbias or None).
    """
    x2d = np.ascontiguousarray(x2d)
    kernel = np.ascontiguousarray(kernel, dtype=x2d.dtype)
    dz, dbias = bias_activation_backward(y, np.ascontiguousarray(dy, dtype=x2d.dtype), code, has_bias)
    rows, k = x2d.shape
    flops = 2 * rows * k * kernel.shape[1]  # the forward product's: both splits are sized by it
    parts = _pool_parts(min(rows, k), flops)
    if len(parts) > 1:  # a large layer: each thread makes some rows of dkernel and of dx
        dkernel = buffers.empty(kernel.shape, x2d.dtype)
        dx = buffers.empty(x2d.shape, x2d.dtype) if need_dx else None
        row_parts, k_parts = split(rows, len(parts)), split(k, len(parts))

        def part(k_range, row_range):
            np.matmul(x2d[:, k_range[0]:k_range[1]].T, dz, out=dkernel[k_range[0]:k_range[1]])
            if need_dx:
                np.matmul(dz[row_range[0]:row_range[1]], kernel.T, out=dx[row_range[0]:row_range[1]])
        run_parts(part, list(zip(k_parts, row_parts)))
        return dx, dkernel, dbias
    both = _split_backward(x2d, kernel, dz, flops) \
        if need_dx and flops >= SPLIT_FLOPS and x2d.dtype in _SPLIT_DTYPES else None
    if both is not None:
        dx, dkernel = both
        return dx, dkernel, dbias
    dkernel = x2d.T @ dz  # the transposed view costs nothing: BLAS takes a transpose flag
    dx = dz @ kernel.T if need_dx else None
    return dx, dkernel, dbias
