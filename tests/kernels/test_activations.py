"""The fast backend's sigmoid and tanh to the last bits, in both precisions.

They are built on ``expm1`` written as a polynomial (so that loops vectorize), one version
per precision: the general kernel tests (``test_dense.py``) compare them with the references
at the kernels' usual tolerance; these check the accuracy itself, against float64 (or
numpy's own float64 functions), over the whole range, saturation included.
"""
import numpy as np
import pytest
from numba import njit

from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F
from minikeras.kernels.activations import expm1


@njit(cache=False)
def _expm1_all(x, out):
    for i in range(x.shape[0]):
        out[i] = expm1(x[i])


def _values(dtype):
    """Every binade from 1e-30 to 1e2 densely, both signs, zero, and the clamping edge."""
    rng = np.random.default_rng(0)
    mags = np.exp(rng.uniform(np.log(1e-30), np.log(100.0), 20000))
    edges = [0.0, 1e-8, 0.3465, 0.3466, 0.6931, 1.0, 20.0, 42.9, 43.0, 43.1, 88.0, 1e4]
    v = np.concatenate([mags, -mags, edges, np.negative(edges)])
    return v.astype(dtype)


def _ulp_error(actual, exact, dtype):
    """|actual - exact| in units of the dtype's spacing at exact."""
    return np.abs(actual.astype(np.float64) - exact) / np.spacing(np.abs(exact).astype(dtype)).astype(np.float64)


@pytest.mark.parametrize("dtype, max_ulp", [(np.float32, 3), (np.float64, 3)])
def test_expm1_is_numpys_within_a_few_ulp_in_its_own_precision(dtype, max_ulp):
    x = _values(dtype)
    x = x[np.abs(x) <= 43]  # beyond 43 the kernels' expm1 clamps (every caller has saturated)
    out = np.empty_like(x)
    _expm1_all(x, out)
    assert out.dtype == dtype
    exact = np.expm1(x.astype(np.float64))
    if dtype == np.float64:
        exact = np.expm1(x)  # numpy's float64 expm1 is the best float64 reference here
    assert _ulp_error(out, exact, dtype).max() <= max_ulp


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("code, exact_fn", [
    (A.SIGMOID, lambda z: 1.0 / (1.0 + np.exp(-z))),
    (A.TANH, np.tanh),
])
def test_sigmoid_and_tanh_are_accurate_over_the_whole_range(dtype, code, exact_fn):
    z = _values(dtype)
    out = F.apply_activation_inplace(z.copy(), code)
    assert out.dtype == dtype
    with np.errstate(over="ignore"):
        exact = exact_fn(z.astype(np.float64))
    err = np.abs(out.astype(np.float64) - exact)
    inside = np.abs(z) <= 43
    # within a few rounding errors of the value itself, tiny values included
    eps = np.finfo(dtype).eps
    assert (err[inside] <= 4 * eps * np.abs(exact[inside])).all(), \
        float((err[inside] / np.abs(exact[inside])).max())
    # beyond |z| = 43 expm1 clamps: tanh is +-1 exactly there, sigmoid 0 <= s <= sigmoid(-43) ~ 2.1e-19 or 1
    assert err[~inside].max() <= 2.2e-19
    # saturation is exact, and the result keeps the sign and order of the input
    assert out[z == 0][0] == (0.5 if code == A.SIGMOID else 0.0)
    order = np.argsort(z, kind="stable")
    assert (np.diff(out[order]) >= 0).all()


def test_float32_sigmoid_keeps_tiny_outputs_instead_of_flushing_them():
    z = np.array([-20.0, -40.0, -43.0], np.float32)
    out = F.apply_activation_inplace(z.copy(), A.SIGMOID)
    np.testing.assert_allclose(out, 1.0 / (1.0 + np.exp(-z.astype(np.float64))), rtol=4e-7)


def test_nan_passes_through_sigmoid_and_tanh():
    for code in (A.SIGMOID, A.TANH):
        out = F.apply_activation_inplace(np.array([np.nan, 1.0], np.float32), code)
        assert np.isnan(out[0]) and np.isfinite(out[1])
