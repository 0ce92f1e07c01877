"""Activation and dense kernels: fast against reference, both backends' behaviour, references
against finite differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F
from minikeras.kernels import reference as R
from minikeras.kernels.reference.activations import activation

from .helpers import BOTH_BACKENDS, DTYPES, SOME, assert_close, check_directional_derivatives, rand

CODES = [A.LINEAR, A.RELU, A.SIGMOID, A.TANH, A.HARD_SIGMOID]


def test_activation_codes():
    assert (A.LINEAR, A.RELU, A.SIGMOID, A.TANH) == (0, 1, 2, 3)
    assert A.activation_code(None) == A.LINEAR
    assert A.activation_code("linear") == A.LINEAR
    assert A.activation_code("relu") == A.RELU
    assert A.activation_code("sigmoid") == A.SIGMOID
    assert A.activation_code("tanh") == A.TANH
    assert A.activation_code("softmax") is None
    assert A.activation_code(np.tanh) is None


@SOME
@given(shape=st.lists(st.integers(1, 7), min_size=1, max_size=3), code=st.sampled_from(CODES),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_activation_kernels_match_reference(shape, code, dtype, seed):
    rng = np.random.default_rng(seed)
    z = rand(rng, shape, dtype, scale=3)
    expected = activation(z, code)
    for K in (F, R):
        out = z.copy()
        assert K.apply_activation_inplace(out, code) is out
        assert out.dtype == dtype
        assert_close(out, expected)
    dy = rand(rng, shape, dtype)
    dz = F.activation_grad_from_output(expected, dy, code)
    assert dz.dtype == dtype
    assert_close(dz, R.activation_grad_from_output(expected, dy, code))


@BOTH_BACKENDS
def test_activation_inplace_on_strided_view(K):
    z = np.linspace(-3, 3, 24, dtype=np.float32).reshape(4, 6)
    expected = z.copy()
    expected[:, ::2] = np.tanh(expected[:, ::2])
    K.apply_activation_inplace(z[:, ::2], A.TANH)
    assert_close(z, expected)


@BOTH_BACKENDS
def test_activations_keep_float32_and_saturate(K):
    z = np.array([-1000, -20, 0, 20, 1000], np.float32)
    assert_close(K.apply_activation_inplace(z.copy(), A.SIGMOID), [0, 2.06e-9, 0.5, 1, 1])
    assert_close(K.apply_activation_inplace(z.copy(), A.TANH), [-1, -1, 0, 1, 1])
    assert_close(K.apply_activation_inplace(z.copy(), A.HARD_SIGMOID), [0, 0, 0.5, 1, 1])
    for code in CODES:
        assert K.apply_activation_inplace(z.copy(), code).dtype == np.float32


@SOME
@given(rows=st.integers(1, 9), cols=st.integers(1, 9), code=st.sampled_from(CODES), has_bias=st.booleans(),
       dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_bias_activation_matches_reference(rows, cols, code, has_bias, dtype, seed):
    rng = np.random.default_rng(seed)
    y = rand(rng, (rows, cols), dtype, scale=2)
    bias = rand(rng, cols, dtype) if has_bias else None
    out = F.bias_activation_inplace(y.copy(), bias, code)
    expected = R.bias_activation_inplace(y.copy(), bias, code)
    assert_close(out, expected)
    dy = rand(rng, (rows, cols), dtype)
    dz, db = F.bias_activation_backward(out, dy, code, has_bias)
    dz_ref, db_ref = R.bias_activation_backward(expected, dy, code, has_bias)
    assert_close(dz, dz_ref)
    if has_bias:
        assert db.dtype == dtype
        assert_close(db, db_ref)
    else:
        assert db is None


def test_linear_bias_backward_of_a_read_only_gradient():
    dy = np.arange(6, dtype=np.float32).reshape(3, 2)
    dy.flags.writeable = False
    dz, db = F.bias_activation_backward(np.zeros_like(dy), dy, A.LINEAR, True)
    assert_close(dz, dy)
    assert_close(db, [6.0, 9.0])


@SOME
@given(batch=st.integers(1, 8), n_in=st.integers(1, 9), units=st.integers(1, 9), code=st.sampled_from(CODES),
       has_bias=st.booleans(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_dense_matches_reference(batch, n_in, units, code, has_bias, dtype, seed):
    rng = np.random.default_rng(seed)
    x, kernel = rand(rng, (batch, n_in), dtype), rand(rng, (n_in, units), dtype)
    bias = rand(rng, units, dtype) if has_bias else None
    y = F.dense_forward(x, kernel, bias, code)
    assert y.dtype == dtype and y.flags.c_contiguous
    assert_close(y, R.dense_forward(x, kernel, bias, code))
    dy = rand(rng, y.shape, dtype)
    got = F.dense_backward(x, kernel, y, dy, code, has_bias)
    want = R.dense_backward(x, kernel, y, dy, code, has_bias)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
        else:
            assert g.dtype == dtype
            assert_close(g, w)
    for K in (F, R):
        assert K.dense_backward(x, kernel, y, dy, code, has_bias, need_dx=False)[0] is None


@BOTH_BACKENDS
def test_dense_accepts_non_contiguous_inputs(K):
    rng = np.random.default_rng(0)
    x = rand(rng, (6, 8), np.float32)[:, ::2]
    kernel = rand(rng, (3, 4), np.float32).T
    assert_close(K.dense_forward(x, kernel, None, A.RELU), np.maximum(np.ascontiguousarray(x) @ kernel, 0))


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("has_bias", [True, False])
def test_dense_reference_gradients_by_finite_differences(code, has_bias):
    rng = np.random.default_rng(code + 10 * has_bias)
    x, kernel, bias = rand(rng, (5, 4)), rand(rng, (4, 3)), rand(rng, 3)
    proj = rand(rng, (5, 3))

    def loss(x, kernel, bias):
        return float(np.sum(R.dense_forward(x, kernel, bias if has_bias else None, code) * proj))

    y = R.dense_forward(x, kernel, bias if has_bias else None, code)
    dx, dkernel, dbias = R.dense_backward(x, kernel, y, proj, code, has_bias)
    grads = {0: dx, 1: dkernel}
    if has_bias:
        grads[2] = dbias
    check_directional_derivatives(loss, [x, kernel, bias], grads, rng)
