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


def tape_backward(x, kernel, bias, dy):
    dense = layers.Dense(kernel.shape[1], activation="relu")
    dense.build(x.shape)
    dense.set_weights([kernel, bias])
    xt = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(xt)
        y = layers.Add()([dense(xt), xt])
    dx, dk, db = tape.gradient(y, [xt, dense.kernel, dense.bias], output_gradients=dy)
    return dx.numpy(), dk.numpy(), db.numpy()


def random_case(batch, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, n)).astype("float32")
    kernel = rng.normal(size=(n, n)).astype("float32")
    bias = rng.normal(size=n).astype("float32")
    dy = rng.normal(size=(batch, n)).astype("float32")
    return x, kernel, bias, dy


@pytest.mark.exercise("ch11.residual_grad", points=1, forbid=FORBID_RESIDUAL_GRAD)
def test_matches_the_tape():
    case = random_case(6, 4, 0)
    want = tape_backward(*case)
    got = residual_dense_backward(*case)
    for g, w, name in zip(got, want, ("dx", "d_kernel", "d_bias")):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4, err_msg=name)


@pytest.mark.exercise("ch11.residual_grad", points=1, forbid=FORBID_RESIDUAL_GRAD)
def test_a_dead_block_still_passes_the_gradient_through_the_skip():
    x, _, _, dy = random_case(3, 5, 1)
    kernel = np.zeros((5, 5), "float32")
    bias = np.full(5, -1.0, "float32")          # relu(-1) = 0: the block is dead
    dx, d_kernel, d_bias = residual_dense_backward(x, kernel, bias, dy)
    np.testing.assert_allclose(dx, dy)           # all of dy arrives through the skip
    np.testing.assert_allclose(d_kernel, 0)
    np.testing.assert_allclose(d_bias, 0)
    want = tape_backward(x, kernel, bias, dy)
    np.testing.assert_allclose(dx, want[0])
