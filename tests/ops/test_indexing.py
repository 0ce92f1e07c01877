"""minikeras.ops.indexing: slices and scatters (values and gradients), searches, order statistics."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients


@pytest.mark.parametrize("name,fn", [
    ("slice", lambda x: ops.slice(x, [1, 1], (2, 2))), ("get_item", lambda x: ops.get_item(x, (0, slice(1, 3)))),
    ("slice_update", lambda x: ops.slice_update(x, np.array([0, 1]), ops.square(x[:2, :2]))),
    ("scatter", lambda x: ops.scatter(np.array([[0, 1], [2, 2], [0, 1]]), x[0, :3], (3, 3))),
    ("scatter_update", lambda x: ops.scatter_update(x, np.array([[0, 0], [2, 3]]), ops.square(x[1, :2]))),
    ("select", lambda x: ops.select([x > 0.5, x < -0.5], [x * 2.0, ops.square(x)], 0.0)),
    ("ptp", lambda x: ops.ptp(x, axis=1)), ("median", lambda x: ops.median(x, axis=0)),
    ("median_all", ops.median), ("quantile", lambda x: ops.quantile(x, [0.1, 0.7], axis=1)),
    ("percentile", lambda x: ops.percentile(x, 30, axis=(0, 1), keepdims=True)),
    ("quantile_midpoint", lambda x: ops.quantile(x, 0.4, axis=1, method="midpoint")),
])
def test_gradients(name, fn, float64):
    check_gradients(fn, (3, 4))


def test_values():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    assert ops.slice(x, np.array([1, 2]), (2, 2)).numpy().tolist() == [[6, 7], [10, 11]]
    assert ops.scatter(np.array([[0], [0], [2]]), np.array([1.0, 2.0, 5.0]), (3,)).numpy().tolist() == [3, 0, 5]
    assert ops.searchsorted(np.array([1, 3, 5]), np.array([0, 3, 6]), side="right").numpy().tolist() == [0, 2, 3]
    assert ops.digitize(np.array([0.5, 1.5, 9.0]), np.array([1.0, 2.0])).numpy().tolist() == [0, 1, 2]
    assert ops.bincount(np.array([0, 2, 2])).numpy().tolist() == [1, 0, 2]
    assert ops.bincount(np.array([0, 1]), weights=np.array([0.5, 2.0]), minlength=3).numpy().tolist() == [0.5, 2, 0]
    assert [i.numpy().tolist() for i in ops.nonzero(np.array([[0, 3], [4, 0]]))] == [[0, 1], [1, 0]]
    np.testing.assert_allclose(ops.quantile(x, [0.2, 0.5], axis=1, method="nearest").numpy(),
                               np.quantile(x, [0.2, 0.5], axis=1, method="nearest"))
    np.testing.assert_allclose(ops.median(x, axis=1, keepdims=True).numpy(), np.median(x, axis=1, keepdims=True))


def test_symbolic():
    x = KerasTensor((None, 4))
    assert ops.slice_update(x, [0, 1], np.ones((1, 2), "float32")).shape == (None, 4)
    assert ops.median(x, axis=1).shape == (None,)
    assert ops.quantile(x, [0.1, 0.9], axis=-1).shape == (2, None)


def test_bad_arguments():
    with pytest.raises(ValueError, match="one entry per axis"):
        ops.slice(np.ones((3, 3)), [0], (1, 1))
    with pytest.raises(TypeError, match="integers"):
        ops.scatter(np.array([[0.5]]), np.ones(1), (2,))
    with pytest.raises(ValueError, match="side"):
        ops.searchsorted(np.arange(3), np.arange(2), side="middle")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ops.quantile(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="method"):
        ops.quantile(np.ones(3), 0.5, method="cubic")
    with pytest.raises(ValueError, match="equal length"):
        ops.select([np.ones(2, bool)], [], 0)
    with pytest.raises(ValueError, match="with data"):
        ops.nonzero(KerasTensor((None,)))


def test_unique():
    x = np.array([3, 1, 3, 2, 1], "int32")
    values, inverse, counts = ops.unique(x, return_inverse=True, return_counts=True)
    assert values.numpy().tolist() == [1, 2, 3] and counts.numpy().tolist() == [2, 1, 2]
    assert values.numpy()[inverse.numpy()].tolist() == x.tolist()
    assert ops.unique(x, size=5, fill_value=-1).numpy().tolist() == [1, 2, 3, -1, -1]
    with pytest.raises(ValueError, match="with data"):
        ops.unique(KerasTensor((None,)))


def test_unique_first_indices():
    values, first = ops.unique(np.array([3, 1, 3, 2, 1], "int32"), return_index=True)
    assert values.numpy().tolist() == [1, 2, 3] and first.numpy().tolist() == [1, 3, 0]
