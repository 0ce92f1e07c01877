import numpy as np
import pytest

import minikeras as keras
from minikeras import ops

from probes_ch17 import scaled_bias_add_on_tape


@pytest.mark.exercise("ch17.fix_backward", points=1)
def test_other_broadcasts():
    rng = np.random.default_rng(3)
    for x_shape, b_shape in [((2, 4, 3), (3,)), ((2, 4, 3), (4, 1)), ((3,), (5, 3))]:
        x = rng.normal(size=x_shape).astype("float32")
        b = rng.normal(size=b_shape).astype("float32")
        g = rng.normal(size=np.broadcast_shapes(x_shape, b_shape)).astype("float32")
        got = scaled_bias_add_on_tape(x, b, 0.5, g)["grads"]   # the tape runs next to your code
        xt, bt = ops.convert_to_tensor(x), ops.convert_to_tensor(b)
        with keras.GradientTape() as tape:
            tape.watch([xt, bt])
            z = ops.multiply(0.5, ops.add(xt, bt))
        want = tape.gradient(z, [xt, bt], output_gradients=g)
        for a, w in zip(got, want):
            assert a.shape == w.shape
            np.testing.assert_allclose(a, w.numpy(), rtol=1e-5, atol=1e-6)
