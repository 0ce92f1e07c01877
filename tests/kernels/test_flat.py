"""flat: the 1-D view of a C-contiguous array inside numba kernels."""
import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from minikeras.kernels.flat import flat


@njit
def _flat_copy_and_mark(a):
    f = flat(a)
    out = f.copy()
    if f.size:
        f[f.size - 1] = -1  # writes through: flat is a view, not a copy
    return out


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (7,), (3, 1), (0, 4)])
def test_flat_is_the_c_order_view(shape):
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    expected = a.reshape(-1).copy()
    out = _flat_copy_and_mark(a)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == a.dtype and out.shape == (a.size,)
    if a.size:
        assert a.reshape(-1)[-1] == -1


def test_flat_refuses_arrays_not_known_to_be_c_contiguous():
    a = np.zeros((4, 6), np.float32)
    with pytest.raises(TypingError):
        _flat_copy_and_mark(a[:, ::2])   # layout 'A'
    with pytest.raises(TypingError):
        _flat_copy_and_mark(a.T)         # layout 'F'
