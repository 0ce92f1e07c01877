import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

from residual_grad import residual_dense_backward

# the tape (the tests' reference) and minikeras's Dense backward kernels: a submission
# that uses them fails
FORBID_RESIDUAL_GRAD = [
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
    "minikeras.kernels.dense.dense_backward",
    "minikeras.kernels.reference.dense.dense_backward",
    "minikeras.kernels.activations.bias_activation_backward",
    "minikeras.kernels.reference.activations.bias_activation_backward",
]


@pytest.mark.exercise("ch11.residual_grad", points=1, forbid=FORBID_RESIDUAL_GRAD)
def test_two_stacked_blocks_chain_correctly():
    """Backward through two blocks, using the student's function twice, vs the tape."""
    rng = np.random.default_rng(7)
    n, batch = 6, 9
    x = rng.normal(size=(batch, n)).astype("float32")
    params = [(rng.normal(size=(n, n)).astype("float32") * 0.5, rng.normal(size=n).astype("float32"))
              for _ in range(2)]
    dy = rng.normal(size=(batch, n)).astype("float32")
    denses = []
    for k, b in params:
        d = layers.Dense(n, activation="relu")
        d.build((None, n))
        d.set_weights([k, b])
        denses.append(d)
    xt = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(xt)
        h = layers.add([denses[0](xt), xt])
        y = layers.add([denses[1](h), h])
    want_dx = tape.gradient(y, xt, output_gradients=dy).numpy()
    h_value = np.maximum(x @ params[0][0] + params[0][1], 0) + x
    dh, _, _ = residual_dense_backward(h_value, params[1][0], params[1][1], dy)
    dx, _, _ = residual_dense_backward(x, params[0][0], params[0][1], dh)
    np.testing.assert_allclose(dx, want_dx, rtol=1e-4, atol=1e-4)
