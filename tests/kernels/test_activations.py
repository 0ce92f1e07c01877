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
from minikeras.kernels.activations import exp_nonpositive, expm1


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


# --------------------------------------------------------------------------- softmax
# The fused softmax (code SOFTMAX) exponentiates with exp_nonpositive: its inputs are a
# row minus the row's maximum.

@njit(cache=False)
def _exp_nonpositive_all(x, out):
    for i in range(x.shape[0]):
        out[i] = exp_nonpositive(x[i])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exp_of_a_nonpositive_number_to_the_smallest_normal_floats(dtype):
    rng = np.random.default_rng(1)
    x = -np.concatenate([np.exp(rng.uniform(np.log(1e-30), np.log(86.0), 20000)),
                         [0.0, 1e-8, 0.3465, 0.3466, 0.6931, 1.0, 43.0, 62.0, 85.9, 86.0]]).astype(dtype)
    out = np.empty_like(x)
    _exp_nonpositive_all(x, out)
    assert out.dtype == dtype
    assert _ulp_error(out, np.exp(x.astype(np.float64)), dtype).max() <= 2
    below = np.array([-86.5, -100.0, -1e30, -np.inf], dtype)  # under 4.5e-38: 0, as exp(-inf) must be
    _exp_nonpositive_all(below, out[:4])
    assert out[:4].tolist() == ([0.0] * 4 if dtype == np.float32 else np.exp(below.astype(np.float64)).tolist())
    nan = np.array([np.nan], dtype)
    _exp_nonpositive_all(nan, out[:1])
    assert np.isnan(out[0])


@pytest.mark.parametrize("cols", [1, 10, 17, 1000, 5000])
def test_fused_softmax_rows_against_float64(cols):
    rng = np.random.default_rng(cols)
    z = (rng.standard_normal((8, cols)) * 8).astype(np.float32)
    bias = rng.standard_normal(cols).astype(np.float32)
    y = F.bias_activation_inplace(z.copy(), bias, A.SOFTMAX)
    z64 = z.astype(np.float64) + bias
    e = np.exp(z64 - z64.max(axis=1, keepdims=True))
    exact = e / e.sum(axis=1, keepdims=True)
    assert y.dtype == np.float32
    # (z - max is rounded to float32 before exp, as in numpy: about 4e-6 for values near -60)
    np.testing.assert_allclose(y, exact, rtol=1e-5, atol=1e-37)
    np.testing.assert_allclose(y.sum(axis=1, dtype=np.float64), 1.0, rtol=1e-6)
    g = rng.standard_normal((8, cols)).astype(np.float32)
    dz = F.activation_grad_from_output(y, g, A.SOFTMAX)
    exact_dz = y.astype(np.float64) * (g - (g.astype(np.float64) * y).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(dz, exact_dz, rtol=1e-5, atol=1e-6 * np.abs(exact_dz).max())


def test_fused_softmax_of_nan_and_infinite_logits_is_numpys():
    z = np.array([[1, np.nan, 2], [np.inf, 1, 2], [-np.inf, 0, 1], [-np.inf, -np.inf, 5]], np.float32)
    with np.errstate(invalid="ignore"):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        expected = e / e.sum(axis=1, keepdims=True)
    y = F.apply_activation_inplace(z.copy(), A.SOFTMAX)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(expected))  # a NaN or +inf makes its row NaN
    np.testing.assert_allclose(y[2:], expected[2:], rtol=1e-6)  # -inf gives exactly 0
    assert y[2, 0] == 0 and y[3, 0] == 0 and y[3, 2] == 1
