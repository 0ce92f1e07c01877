"""minikeras.ops.math: logsumexp, top_k, in_top_k, erf/erfinv/rsqrt, segment reductions."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients


@pytest.mark.parametrize("name,fn", [
    ("logsumexp", lambda x: ops.logsumexp(x, axis=1)), ("logsumexp_all", ops.logsumexp),
    ("logsumexp_keep", lambda x: ops.logsumexp(x, axis=0, keepdims=True)),
    ("top_k", lambda x: ops.top_k(x, 2)[0]), ("top_k_unsorted", lambda x: ops.top_k(x, 3, sorted=False)[0]),
    ("erf", ops.erf), ("erfinv", lambda x: ops.erfinv(ops.tanh(x) * 0.9)),
    ("segment_sum", lambda x: ops.segment_sum(x, np.array([0, 2, 0]))),
    ("segment_max", lambda x: ops.segment_max(x, np.array([1, 1, 0]), num_segments=3)),
    ("segment_min", lambda x: ops.segment_min(x, np.array([1, 0, 0]))),
])
def test_gradients(name, fn, float64):
    check_gradients(fn, (3, 4))


def test_rsqrt_gradient(float64):
    check_gradients(ops.rsqrt, (3, 4), low=0.5, high=2.0)


def test_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, -np.inf]], "float32")
    np.testing.assert_allclose(ops.logsumexp(x, axis=1).numpy(), [1000 + np.log(2), -1000])
    assert ops.logsumexp(np.full(2, -np.inf, "float32")).numpy() == -np.inf


def test_top_k_values_indices_and_ties():
    values, indices = ops.top_k(np.array([[1.0, 3.0, 3.0, 2.0]]), 3)
    assert values.numpy().tolist() == [[3, 3, 2]] and indices.numpy().tolist() == [[1, 2, 3]]
    assert indices.dtype == "int32"
    assert ops.in_top_k(np.array([3, 0]), np.array([[1.0, 3, 3, 2], [5, 1, 0, 0]]), 2).numpy().tolist() == \
        [False, True]


def test_segment_reductions_fill_empty_segments_with_zero():
    data = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]], "float32")
    ids = np.array([0, 0, 2])
    np.testing.assert_array_equal(ops.segment_sum(data, ids).numpy(), [[4, 6], [0, 0], [5, 0]])
    np.testing.assert_array_equal(ops.segment_max(data, ids, num_segments=4).numpy(),
                                  [[3, 4], [0, 0], [5, 0], [0, 0]])


def test_symbolic():
    x = KerasTensor((None, 5))
    values, indices = ops.top_k(x, 2)
    assert (values.shape, indices.dtype) == ((None, 2), "int32")
    assert ops.logsumexp(x, axis=-1).shape == (None,)
    assert ops.erf(KerasTensor((None, 2), "int32")).dtype == "float32"


def test_bad_arguments():
    with pytest.raises(ValueError, match="k=0"):
        ops.top_k(np.ones(3), 0)
    with pytest.raises(ValueError, match="larger than the last axis"):
        ops.top_k(np.ones((2, 3)), 4)
    with pytest.raises(ValueError, match="one id per row"):
        ops.segment_sum(np.ones((3, 2)), np.array([0, 1]))


@pytest.mark.parametrize("name,fn,shapes", [
    ("extract_sequences", lambda x: ops.extract_sequences(x, 3, 1), [(2, 5)]),
])
def test_extract_sequences_gradient(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_extract_sequences_shapes_and_errors():
    assert ops.extract_sequences(KerasTensor((None, 9)), 4, 2).shape == (None, 3, 4)
    assert ops.extract_sequences(np.arange(6.0), 3, 2).numpy().tolist() == [[0, 1, 2], [2, 3, 4]]
    with pytest.raises(ValueError, match="sequence_length"):
        ops.extract_sequences(np.ones((2, 3)), 4, 1)
