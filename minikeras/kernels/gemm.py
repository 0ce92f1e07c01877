"""Matrix products in the row blocks OpenBLAS multiplies fastest (fast backend).

Why it exists: OpenBLAS has two ways to multiply C-contiguous (m, k) @ (k, n) float
matrices. Large products are packed into cache-sized panels first; products with
m * k * n <= 1,000,000 go to its "small matrix" kernels, which read the operands where
they are (the SkylakeX kernels of OpenBLAS 0.3.30-0.3.31, which it picks on AVX-512
CPUs). On the 2-vCPU AMD EPYC machine, one thread, CPU time (``benchmarks/RESULTS.md``):

    product (m x k x n)   one call   row blocks (from numba; from numpy)   GFLOP/s
    64x784x64             78 us      56 us (16 rows; 63 us)                 83 -> 115
    128x784x64            142 us     111 us (16 rows; 124 us)               91 -> 116
    64x256x256            99 us      73 us (8 rows; 85 us)                  85 -> 114
    405x576x64            311 us     260 us (24 rows; 285 us)               96 -> 115
    3136x288x64           1173 us    1007 us (48 rows; 1105 us)             99 -> 115
    729x512x16            153 us     106 us (120 rows; 118 us)              78 -> 113

So a product whose rows can be cut into blocks of ``m * k * n <= SMALL_MNK`` runs as such
blocks, one BLAS call each. The rows per block are a multiple of 8 (the small kernels work
on 8 or 16 rows at a time: blocks of 7, 9, 13 or 15 rows measured 10-25% slower), the
largest that fits. Products with transposed operands (a dense layer's or a convolution's
gradients, ``x.T @ dy`` with the batch as the inner dimension) gained nothing this way
(measured 1.1-4x slower), nor does a product whose k * n alone exceeds the limit: those keep
one call. One transposed case does gain: a first operand stored transposed with a short inner
dimension (at most ``TRANSPOSED_K``), the one-channel im2col matrix of a convolution
(``im2col_one_channel``, k = kh * kw). One thread, (m, k, n), one call -> blocks: seed CNN's
first layer (14884, 16, 32) 214 -> 167 us, (12544, 9, 32) 124 -> 87, (8000, 25, 6) 76 -> 47,
(20000, 16, 8) 135 -> 120, (14884, 16, 128) 788 -> 685 us.

The blocks are a function of the shapes only, so a product gives the same bits every
time; they round differently from one whole call in the last bits (another kernel).
Where OpenBLAS lacks these kernels (another CPU family, another BLAS) ``small_rows``
answers 0 and every product stays one call.
"""
import numpy as np
from numba import njit

from .blas import has_small_matrix_kernels

__all__ = ["SMALL_MNK", "TRANSPOSED_K", "small_rows", "matmul_rows", "matmul"]

SMALL_MNK = 1_000_000
TRANSPOSED_K = 32  # the longest inner dimension of a transposed first operand cut into blocks
_ROW_MULTIPLE = 8
_FLOAT_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def small_rows(m, k, n):
    """Rows per block for an (m, k) @ (k, n) product, or 0 for one call: no small kernels,
    a product small enough already, or k * n too large for even 8 rows."""
    if m * k * n <= SMALL_MNK or not has_small_matrix_kernels():
        return 0
    rows = SMALL_MNK // max(1, k * n) // _ROW_MULTIPLE * _ROW_MULTIPLE
    return rows if rows >= _ROW_MULTIPLE else 0


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def matmul_rows(a, b, out, r0, r1, rows):
    """out[r0:r1] = a[r0:r1] @ b, ``rows`` rows per BLAS call (0: one call); C-contiguous
    float arrays (numba's np.dot calls SciPy's BLAS)."""
    step = r1 - r0 if rows <= 0 else rows
    for s in range(r0, r1, max(step, 1)):
        e = min(r1, s + step)
        np.dot(a[s:e], b, out[s:e])


def matmul(a, b, out=None):
    """a @ b for 2-D arrays, in ``small_rows`` blocks when both are C-contiguous floats of
    one dtype (``a`` may also be the transpose of one, for an inner dimension of at most
    TRANSPOSED_K); numpy's matmul otherwise. ``out``, if given, is a C-contiguous array to fill.

    The blocks are numpy calls from Python (about 1 us each): ``matmul_rows`` does the same
    from numba, a little faster (405x576x64: 260 against 285 us), but compiling it costs a
    new process 0.3 s, which the convolutions' first step would pay (their blocks are long:
    120 rows for the seed CNN). The dense layers (``dense.py``) call ``matmul_rows``: their
    blocks can be 8 rows, and two threads making numpy calls between such blocks took turns
    for the interpreter lock (a large Dense layer's step 1.4x slower). (Times: the table above.)"""
    m, k = a.shape
    n = b.shape[1]
    rows = small_rows(m, k, n)
    blocked = (rows and a.dtype in _FLOAT_TYPES and a.dtype == b.dtype
               and (a.flags.c_contiguous or (a.flags.f_contiguous and k <= TRANSPOSED_K))
               and b.flags.c_contiguous and (out is None or (out.flags.c_contiguous and out.dtype == a.dtype)))
    if not blocked:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty((m, n), a.dtype)
    for r0 in range(0, m, rows):
        np.matmul(a[r0:r0 + rows], b, out=out[r0:r0 + rows])
    return out
