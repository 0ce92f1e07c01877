"""Pooling kernels: fast against reference, both backends' behaviour, references against finite
differences."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from minikeras.kernels import fast as F
from minikeras.kernels import reference as R

from .helpers import BOTH_BACKENDS, DTYPES, SOME, assert_close, check_directional_derivatives, rand


@st.composite
def pool_cases(draw):
    pool = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    strides = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = draw(st.sampled_from(["valid", "same"]))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 8)), draw(st.integers(1, 8)), draw(st.integers(1, 5)))
    if padding == "valid":
        assume(shape[1] >= pool[0] and shape[2] >= pool[1])
    return shape, pool, strides, padding


@SOME
@given(case=pool_cases(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_max_pool_matches_reference(case, dtype, seed):
    shape, pool, strides, padding = case
    rng = np.random.default_rng(seed)
    x = rand(rng, shape, dtype)
    y, argmax = F.max_pool2d_forward(x, pool, strides, padding)
    y_ref, argmax_ref = R.max_pool2d_forward(x, pool, strides, padding)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(argmax, argmax_ref)
    dy = rand(rng, y.shape, dtype)
    assert_close(F.max_pool2d_backward(dy, argmax, x.shape), R.max_pool2d_backward(dy, argmax_ref, x.shape))
    # inference asks for the maxima alone: the same bits, no indices
    for K in (F, R):
        values, no_argmax = K.max_pool2d_forward(x, pool, strides, padding, with_argmax=False)
        np.testing.assert_array_equal(values, y_ref)
        assert no_argmax is None


@SOME
@given(case=pool_cases(), dtype=st.sampled_from(DTYPES), seed=st.integers(0, 2**16))
def test_avg_pool_matches_reference(case, dtype, seed):
    shape, pool, strides, padding = case
    rng = np.random.default_rng(seed)
    x = rand(rng, shape, dtype)
    y = F.avg_pool2d_forward(x, pool, strides, padding)
    assert y.dtype == dtype
    assert_close(y, R.avg_pool2d_forward(x, pool, strides, padding))
    dy = rand(rng, y.shape, dtype)
    assert_close(F.avg_pool2d_backward(dy, x.shape, pool, strides, padding),
                 R.avg_pool2d_backward(dy, x.shape, pool, strides, padding))


@BOTH_BACKENDS
def test_same_padding_ignores_padded_cells(K):
    x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    # pool 2, stride 1, 'same': one extra row and column at the end
    assert_close(K.avg_pool2d_forward(x, 2, 1, "same").ravel(), [2.5, 3.0, 3.5, 4.0])
    assert_close(K.max_pool2d_forward(-x, 2, 1, "same")[0].ravel(), [-1.0, -2.0, -3.0, -4.0])
    assert K.max_pool2d_forward(x, 2, None, "same")[0].shape == (1, 1, 1, 1)
    assert K.avg_pool2d_forward(np.ones((1, 5, 5, 1)), 3, 2, "same").shape == (1, 3, 3, 1)


@BOTH_BACKENDS
def test_max_pool_without_indices_compares_like_with_them(K):
    """The maxima-only loop compares like the one that keeps indices: on a tie the first
    cell stays (-0.0 before 0.0 keeps its sign), and only a larger value replaces it."""
    x = np.array([[0.5, 1.0], [2.0, 3.0], [1.0, -4.0], [-0.0, 0.0]], np.float32).reshape(1, 4, 2, 1)
    with_indices, _ = K.max_pool2d_forward(x, (1, 2))
    alone, _ = K.max_pool2d_forward(x, (1, 2), with_argmax=False)
    np.testing.assert_array_equal(alone, with_indices)
    assert alone.ravel()[:3].tolist() == [1.0, 3.0, 1.0] and np.signbit(alone[0, 3, 0, 0])


@BOTH_BACKENDS
def test_max_pool_ties_go_to_the_first_cell(K):
    x = np.ones((1, 2, 2, 1), np.float32)
    _, argmax = K.max_pool2d_forward(x, 2)
    assert argmax.ravel().tolist() == [0]


@BOTH_BACKENDS
def test_one_dimensional_pooling_through_a_height_one_view(K):
    rng = np.random.default_rng(0)
    x = rand(rng, (2, 9, 3), np.float32)  # (batch, steps, channels)
    y, _ = K.max_pool2d_forward(x[:, None], (1, 2), (1, 2), "valid")
    assert_close(y[:, 0], np.maximum(x[:, 0:8:2], x[:, 1:9:2]))


@BOTH_BACKENDS
def test_too_small_input_raises(K):
    with pytest.raises(ValueError, match="smaller than the pool"):
        K.max_pool2d_forward(np.zeros((1, 2, 2, 1)), 3)


@pytest.mark.parametrize("pool,strides,padding", [((2, 2), None, "valid"), ((3, 2), (2, 1), "same"),
                                                  ((2, 3), (1, 1), "same")])
def test_reference_gradients_by_finite_differences(pool, strides, padding):
    rng = np.random.default_rng(5)
    x = rand(rng, (2, 5, 6, 3))
    y, argmax = R.max_pool2d_forward(x, pool, strides, padding)
    proj = rand(rng, y.shape)
    check_directional_derivatives(
        lambda x: float(np.sum(R.max_pool2d_forward(x, pool, strides, padding)[0] * proj)),
        [x], {0: R.max_pool2d_backward(proj, argmax, x.shape)}, rng)
    check_directional_derivatives(
        lambda x: float(np.sum(R.avg_pool2d_forward(x, pool, strides, padding) * proj)),
        [x], {0: R.avg_pool2d_backward(proj, x.shape, pool, strides, padding)}, rng)
