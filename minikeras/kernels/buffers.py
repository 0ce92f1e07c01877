"""Reused memory for the kernels' large arrays (activations, gradients, im2col buffers).

A training step allocates the same large arrays every time. glibc gives the freed
memory at the top of its heap back to the operating system at the end of a step and
maps it again in the next one, and the first write to every 4 KiB page of it is then a
page fault that zero-fills the page. Measured on the seed CNN (batch 32, 1 BLAS
thread): 6,200 page faults per training step; without them (glibc told not to trim)
the step took 54 instead of 67 ms, and the toy ResNet 158 instead of 198 ms.

``empty(shape, dtype)`` hands out an array backed by a kept buffer that no array uses
any more. A buffer's reference count tells: every numpy view of it (and every view of
a view) holds a reference to it, so the count drops back to the pool's own references
only when the last array made from it is gone. Arrays under 256 KiB come from numpy as
usual (glibc serves those from memory it keeps), and the pool holds at most
``_MAX_PER_SIZE`` buffers of one size and ``_MAX_BYTES`` in total; past that,
``empty`` falls back to ``np.empty``.
"""
import math
import sys
import threading

import numpy as np

__all__ = ["empty", "zeros", "add", "pooled_bytes"]

_MIN_BYTES = 262144
_MAX_PER_SIZE = 32
_MAX_BYTES = 1 << 30

_pool = {}            # nbytes -> [1-D uint8 arrays]
_lock = threading.Lock()
_pooled = 0           # bytes held by the pool


def _first_unused(buffers, base):
    for buf in buffers:
        if sys.getrefcount(buf) <= base:
            return buf
    return None


def _count_in_loop(buffers):
    for buf in buffers:  # the same references as in _first_unused: list, loop variable, argument
        return sys.getrefcount(buf)


# What getrefcount reports for a buffer only the pool holds (3 on CPython 3.11; measured
# rather than assumed, since it changes between Python versions).
_BASE = _count_in_loop([np.empty(1)])


def empty(shape, dtype):
    """An uninitialised C-contiguous array, in reused memory when it is large."""
    dtype = np.dtype(dtype)
    if isinstance(shape, int):
        shape = (shape,)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < _MIN_BYTES:  # (most calls: the small arrays of small layers, without more work)
        return np.empty(shape, dtype)
    shape = tuple(int(n) for n in shape)
    global _pooled
    with _lock:
        buffers = _pool.setdefault(nbytes, [])
        buf = _first_unused(buffers, _BASE)
        if buf is None and len(buffers) < _MAX_PER_SIZE and _pooled + nbytes <= _MAX_BYTES:
            buf = np.empty(nbytes, np.uint8)
            buffers.append(buf)
            _pooled += nbytes
        if buf is not None:
            return buf.view(dtype).reshape(shape)  # made while the lock is held: now in use
    return np.empty(shape, dtype)


def zeros(shape, dtype):
    out = empty(shape, dtype)
    out.fill(0)
    return out


def add(a, b):
    """a + b, in reused memory when both are large arrays of one shape and dtype (a residual
    connection's sum, a gradient summed over two branches); plain numpy otherwise."""
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.nbytes >= _MIN_BYTES and a.shape == b.shape
            and a.dtype == b.dtype):
        return np.add(a, b, out=empty(a.shape, a.dtype))
    return a + b


def pooled_bytes():
    """Bytes the pool keeps (for tests and memory reports)."""
    return _pooled
