import numpy as np
import pytest

from unbroadcast_rule import broadcast_shape, unbroadcast

# What this exercise asks you to write, minikeras (and numpy) has: a submission may not use it.
FORBID = ["minikeras.ops.unbroadcast", "minikeras.ops.core.unbroadcast", "minikeras.ops.core.broadcast_shapes",
          "numpy.broadcast_shapes"]


@pytest.mark.exercise("ch17.unbroadcast", points=1, forbid=FORBID)
def test_scalars_and_untouched_shapes():
    g = np.arange(24.0).reshape(2, 3, 4)
    assert np.shape(unbroadcast(g, ())) == () and float(unbroadcast(g, ())) == g.sum()
    np.testing.assert_array_equal(unbroadcast(g, (2, 3, 4)), g)
    np.testing.assert_array_equal(unbroadcast(g, (1, 1, 1)), g.sum(keepdims=True))
    np.testing.assert_array_equal(unbroadcast(g, (2, 1, 4)), g.sum(axis=1, keepdims=True))
    assert tuple(broadcast_shape((), (3, 1))) == (3, 1)
    assert tuple(broadcast_shape((8, 1, 6, 1), (7, 1, 5))) == (8, 7, 6, 5)
