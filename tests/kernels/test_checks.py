"""kernels/checks.py: all_finite, the data check of fit, evaluate and predict, in both backends."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from .helpers import BOTH_BACKENDS, SOME


@BOTH_BACKENDS
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_one_bad_value_anywhere_is_found(K, dtype, bad):
    a = np.random.default_rng(0).standard_normal((7, 33)).astype(dtype)
    assert K.all_finite(a)
    for where in [(0, 0), (3, 17), (6, 32)]:
        b = a.copy()
        b[where] = bad
        assert not K.all_finite(b)


@BOTH_BACKENDS
def test_huge_finite_values_empty_strided_and_integer_arrays(K):
    big = np.full((4, 5), np.finfo(np.float32).max, np.float32)
    assert K.all_finite(big) and K.all_finite(-big)  # v - v does not overflow
    assert K.all_finite(np.empty((0, 3), np.float32))
    a = np.ones((6, 8), np.float64)
    a[1, 1] = np.inf
    assert K.all_finite(a[:, ::2]) and not K.all_finite(a[:, 1::2])  # not contiguous: numpy's way
    assert K.all_finite(np.arange(12).reshape(3, 4))


@SOME
@given(values=st.lists(st.floats(width=32, allow_nan=True, allow_infinity=True), min_size=1, max_size=200),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_fast_agrees_with_the_reference(values, dtype):
    from minikeras.kernels import fast, reference
    a = np.array(values, dtype)
    assert fast.all_finite(a) == reference.all_finite(a) == bool(np.isfinite(a).all())
