"""minikeras.ops.activations: numerically stable for large inputs (gradients are in test_core.py)."""
import numpy as np

from minikeras import ops


def test_stable_sigmoid_and_softmax_for_large_logits():
    x = np.array([-1000.0, 0.0, 1000.0], dtype="float32")
    assert np.all(np.isfinite(np.asarray(ops.sigmoid(x))))
    np.testing.assert_allclose(np.asarray(ops.softmax(x)), [0, 0, 1])
    assert np.all(np.isfinite(np.asarray(ops.log_softmax(x))))
