"""kernels/blas.py: BLAS limited to MINIKERAS_BLAS_THREADS during a step, and given back."""
import pytest

from minikeras.kernels import blas

needs_openblas = pytest.mark.skipif(not blas.blas_thread_controls(), reason="no OpenBLAS in this process")


@needs_openblas
def test_a_limited_section_sets_the_thread_counts_and_restores_them(monkeypatch):
    monkeypatch.setenv("MINIKERAS_BLAS_THREADS", "1")
    controls = blas.blas_thread_controls()
    before = [getter() for _, getter in controls]
    try:
        for setter, _ in controls:
            setter(2)
        inside = blas.limited_blas_threads(lambda: [getter() for _, getter in controls])()
        assert inside == [1] * len(controls)
        assert [getter() for _, getter in controls] == [2] * len(controls)
        monkeypatch.setenv("MINIKERAS_BLAS_THREADS", "0")  # 0: BLAS is left alone
        assert blas.limited_blas_threads(lambda: [getter() for _, getter in controls])() == [2] * len(controls)
    finally:
        for (setter, _), n in zip(controls, before):
            setter(n)
