"""Shared test helpers: the two backends, tolerances, random arrays and directional finite differences."""
import numpy as np
import pytest
from hypothesis import settings

from minikeras.kernels import fast, reference

# Small, reproducible budgets: the kernel suite should run in seconds once compiled.
FEW = settings(deadline=None, derandomize=True, max_examples=12)
SOME = settings(deadline=None, derandomize=True, max_examples=25)

DTYPES = (np.float32, np.float64)

# For behaviour both backends must show: ``@BOTH_BACKENDS def test_x(K): K.conv2d_forward(...)``.
# Tests that compare numbers take the reference as the oracle and check the fast backend against it.
BOTH_BACKENDS = pytest.mark.parametrize("K", [fast, reference], ids=["fast", "reference"])


def rand(rng, shape, dtype=np.float64, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def assert_close(actual, expected, dtype=None, rtol=None):
    """Compare with a tolerance scaled to the dtype and to the size of the values."""
    assert actual is not None and expected is not None
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    dtype = np.dtype(dtype or actual.dtype)
    if rtol is None:
        rtol = 2e-4 if dtype == np.float32 else 1e-9
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


def check_directional_derivatives(loss, args, grads, rng, eps=1e-6, rtol=1e-5):
    """Central differences of loss(*args) along a random direction, for every array in grads.

    grads maps an argument position to the analytic gradient of the loss with respect
    to that argument. One direction per argument is enough to catch a wrong
    gradient, and costs two evaluations instead of two per element.
    """
    for i, grad in grads.items():
        v = rng.standard_normal(np.shape(args[i]))
        plus, minus = list(args), list(args)
        plus[i] = args[i] + eps * v
        minus[i] = args[i] - eps * v
        numeric = (loss(*plus) - loss(*minus)) / (2 * eps)
        analytic = float(np.vdot(grad, v))
        assert abs(numeric - analytic) <= rtol * max(1.0, abs(numeric), abs(analytic)), \
            f"argument {i}: finite difference {numeric!r} vs analytic {analytic!r}"
