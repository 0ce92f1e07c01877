import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from shared_grads import shared_dense_grads

# the tape (the tests' reference) and minikeras's Dense backward kernels: a submission
# that uses them fails
FORBID_SHARED_GRADS = [
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
    "minikeras.kernels.dense.dense_backward",
    "minikeras.kernels.reference.dense.dense_backward",
    "minikeras.kernels.activations.bias_activation_backward",
    "minikeras.kernels.reference.activations.bias_activation_backward",
]


@pytest.mark.exercise("ch10.shared_gradients", points=1, forbid=FORBID_SHARED_GRADS)
def test_shared_dense_on_sequences():
    rng = np.random.default_rng(5)
    dense = layers.Dense(4)
    x_a = rng.normal(size=(2, 6, 3)).astype("float32")
    x_b = rng.normal(size=(5, 3)).astype("float32")
    dense(x_a)
    dy_a = rng.normal(size=(2, 6, 4)).astype("float32")
    dy_b = rng.normal(size=(5, 4)).astype("float32")
    with keras.GradientTape() as tape:
        y_a, y_b = dense(x_a), dense(x_b)
    want = tape.gradient([y_a, y_b], [dense.kernel, dense.bias], output_gradients=[dy_a, dy_b])
    d_kernel, d_bias = shared_dense_grads(x_a, x_b, dense.kernel.numpy(), dy_a, dy_b)
    np.testing.assert_allclose(d_kernel, want[0].numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(d_bias, want[1].numpy(), rtol=1e-5, atol=1e-5)
