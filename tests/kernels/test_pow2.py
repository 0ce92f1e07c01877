"""pow2: 2**n from its exponent bits inside numba kernels, exact over the normal range."""
import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from minikeras.kernels.pow2 import pow2


@njit
def _powers(ns):
    out = np.empty_like(ns)
    for i in range(ns.size):
        out[i] = pow2(ns[i])
    return out


@pytest.mark.parametrize("dtype, low, high", [(np.float32, -126, 127), (np.float64, -1022, 1023)])
def test_pow2_is_exact_over_the_normal_range(dtype, low, high):
    ns = np.arange(low, high + 1).astype(dtype)
    out = _powers(ns)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.ldexp(np.ones_like(ns), np.arange(low, high + 1)))


def test_pow2_takes_only_floats():
    with pytest.raises(TypingError):
        _powers(np.arange(3, dtype=np.int64))
