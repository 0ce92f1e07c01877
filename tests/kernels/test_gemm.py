"""gemm.py: products in the row blocks OpenBLAS multiplies fastest, and blas.py's core names."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from minikeras.kernels import blas, gemm

from .helpers import DTYPES, SOME, assert_close, rand


@pytest.fixture
def small_kernels(monkeypatch):
    """Pretend (or not) that the BLAS has small-matrix kernels, whatever this machine's has."""
    def set_to(value):
        monkeypatch.setattr(gemm, "has_small_matrix_kernels", lambda: value)
    return set_to


def test_rows_per_block_are_the_largest_multiple_of_8_under_the_limit(small_kernels):
    small_kernels(True)
    assert gemm.small_rows(64, 784, 64) == 16          # 16 * 784 * 64 = 0.80M; 24 rows would be 1.2M
    assert gemm.small_rows(405, 576, 64) == 24
    assert gemm.small_rows(729, 512, 16) == 120
    for m, k, n in [(64, 784, 64), (405, 576, 64), (3136, 288, 64), (100, 7, 3000)]:
        rows = gemm.small_rows(m, k, n)
        assert rows % 8 == 0 and rows * k * n <= gemm.SMALL_MNK < (rows + 8) * k * n


def test_one_call_when_small_already_too_wide_or_without_small_kernels(small_kernels):
    small_kernels(True)
    assert gemm.small_rows(16, 784, 64) == 0            # 0.8M multiply-adds: one small call already
    assert gemm.small_rows(64, 1024, 1024) == 0         # k * n alone exceeds the limit
    assert gemm.small_rows(64, 2000, 70) == 0           # 7 rows would fit, 8 do not
    small_kernels(False)
    assert gemm.small_rows(64, 784, 64) == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(64, 784, 64), (37, 300, 200), (729, 512, 16), (5, 3, 2)])
def test_matmul_is_numpys_product_block_by_block(small_kernels, dtype, shape):
    small_kernels(True)
    m, k, n = shape
    rng = np.random.default_rng(0)
    a, b = rand(rng, (m, k), dtype), rand(rng, (k, n), dtype)
    out = gemm.matmul(a, b, np.empty((m, n), dtype))
    rows = gemm.small_rows(m, k, n) or m
    expected = np.concatenate([a[r:r + rows] @ b for r in range(0, m, rows)])
    np.testing.assert_array_equal(out, expected)       # the same BLAS calls: the same bits
    assert_close(out, a.astype(np.float64) @ b.astype(np.float64), dtype)
    np.testing.assert_array_equal(gemm.matmul(a, b), out)  # without ``out``, and again: same bits


@pytest.mark.parametrize("shape", [(14884, 16, 32), (12544, 9, 32), (300, 25, 6)])
def test_a_transposed_first_operand_with_a_short_inner_dimension_runs_in_blocks(small_kernels, shape,
                                                                              monkeypatch):
    """The one-channel im2col matrix (stored transposed, k = kh * kw): blocks as if contiguous."""
    small_kernels(True)
    m, k, n = shape
    rng = np.random.default_rng(2)
    a_t, b = rand(rng, (k, m), np.float32), rand(rng, (k, n), np.float32)
    rows = gemm.small_rows(m, k, n) or m
    calls, product = [], np.matmul
    monkeypatch.setattr(gemm.np, "matmul", lambda *args, **kw: calls.append(1) or product(*args, **kw))
    out = gemm.matmul(a_t.T, b, np.empty((m, n), np.float32))
    monkeypatch.setattr(gemm.np, "matmul", product)
    assert len(calls) == -(-m // rows) and (rows < m or m * k * n <= gemm.SMALL_MNK)
    np.testing.assert_array_equal(out, np.concatenate([a_t[:, r:r + rows].T @ b for r in range(0, m, rows)]))
    assert_close(out, a_t.T.astype(np.float64) @ b, np.float32)


def test_matmul_of_views_and_other_types_is_numpys(small_kernels):
    small_kernels(True)
    rng = np.random.default_rng(1)
    a, b = rand(rng, (784, 64), np.float32), rand(rng, (784, 64), np.float32)
    np.testing.assert_array_equal(gemm.matmul(a.T, b), a.T @ b)   # a transposed view, k = 784: one call
    ints = rng.integers(-3, 3, (64, 784)), rng.integers(-3, 3, (784, 64))
    np.testing.assert_array_equal(gemm.matmul(*ints), ints[0] @ ints[1])      # integers: numpy
    mixed = gemm.matmul(a.T.copy(), b.astype(np.float64))
    assert mixed.dtype == np.float64 and np.allclose(mixed, a.T.astype(np.float64) @ b)


@SOME
@given(st.integers(1, 70), st.integers(1, 40), st.integers(1, 40), st.integers(0, 24), st.integers(0, 70))
def test_matmul_rows_fills_its_rows_in_blocks(m, k, n, rows, r0):
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    a, b = rand(rng, (m, k), np.float32), rand(rng, (k, n), np.float32)
    r0 = min(r0, m)
    out = np.full((m, n), 7.0, np.float32)
    gemm.matmul_rows(a, b, out, r0, m, rows)
    assert_close(out[r0:], a[r0:].astype(np.float64) @ b, np.float32)
    assert (out[:r0] == 7.0).all()                     # rows before r0 untouched


def test_core_names_are_read_from_every_openblas():
    names = blas.openblas_core_names()
    assert len(names) == len(blas.blas_thread_controls())
    assert all(isinstance(name, str) and name == name.lower() for name in names)
    assert blas.has_small_matrix_kernels() == (bool(names) and all(n in blas._SMALL_MATRIX_CORES for n in names))
