import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from backward_fix import scaled_bias_add


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_other_broadcasts():
    rng = np.random.default_rng(3)
    for x_shape, b_shape in [((2, 4, 3), (3,)), ((2, 4, 3), (4, 1)), ((3,), (5, 3))]:
        x = ops.convert_to_tensor(rng.normal(size=x_shape).astype("float32"))
        b = ops.convert_to_tensor(rng.normal(size=b_shape).astype("float32"))
        g = rng.normal(size=np.broadcast_shapes(x_shape, b_shape)).astype("float32")
        with keras.GradientTape() as tape:
            tape.watch([x, b])
            y = scaled_bias_add(x, b, 0.5)
        got = tape.gradient(y, [x, b], output_gradients=g)
        with keras.GradientTape() as tape:
            tape.watch([x, b])
            z = ops.multiply(0.5, ops.add(x, b))
        want = tape.gradient(z, [x, b], output_gradients=g)
        for a, w in zip(got, want):
            assert a.shape == w.shape
            np.testing.assert_allclose(a.numpy(), w.numpy(), rtol=1e-5, atol=1e-6)
