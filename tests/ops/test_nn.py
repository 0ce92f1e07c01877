"""minikeras.ops.nn: the fused layer operations, their symbolic shapes (conv_geometry) and their
results on both kernel backends."""
import numpy as np
import pytest

from minikeras import activations, kernels, ops
from minikeras.engine.tensor import KerasTensor


def test_symbolic_convolution_shapes_follow_the_geometry():
    assert ops.nn.conv(KerasTensor((None, 9, 2)), np.ones((3, 2, 4), "float32"), padding="causal",
                       dilation_rate=2).shape == (None, 9, 4)
    assert ops.nn.conv(KerasTensor((None, 7, 8, 3)), np.ones((3, 3, 3, 5), "float32"), strides=2,
                       padding="same").shape == (None, 4, 4, 5)
    assert ops.nn.conv(KerasTensor((None, 7, None, 3)), np.ones((3, 2, 3, 5), "float32"),
                       dilation_rate=(2, 1)).shape == (None, 3, None, 5)
    assert ops.nn.depthwise_conv(KerasTensor((None, 6, 6, 2)), np.ones((3, 3, 2, 3), "float32"),
                                 strides=(2, 2), padding="same").shape == (None, 3, 3, 6)


def _run_ops(seed):
    rng = np.random.default_rng(seed)
    x = ops.convert_to_tensor(rng.standard_normal((2, 7, 6, 3)).astype("float32"))
    seq = ops.Variable(rng.standard_normal((2, 5, 3)).astype("float32"))  # a variable: its gradient is checked too
    weights = [ops.Variable(rng.standard_normal(shape).astype("float32") * 0.5) for shape in
               [(3, 3, 3, 4), (4,), (2, 2, 3, 4), (3, 3, 3, 2), (3, 8), (2, 8), (3, 2, 4)]]
    k, b, kt, dk, wx, wh, k1 = weights
    with ops.GradientTape() as tape:
        h = ops.nn.conv(x, k, b, padding="same", activation="relu")
        h = ops.nn.pool(h, (2, 2), (1, 1), "valid", mode="max")
        h = ops.nn.conv_transpose(h, kt, None, (12, 10), strides=(2, 2), padding="valid")
        h = ops.nn.depthwise_conv(h, dk, None, padding="same", activation="tanh")
        h = ops.nn.pool(h, (2, 2), (2, 2), "same", mode="avg")
        s, _ = ops.nn.rnn("lstm", seq, wx, wh, return_sequences=True)
        s = ops.nn.conv(s, k1, None, padding="causal", dilation_rate=2, activation="sigmoid")
        loss = ops.sum(ops.square(h)) + ops.sum(ops.nn.dense(s, np.ones((4, 1), "float32")))
    return [np.asarray(loss)] + [np.asarray(g) for g in tape.gradient(loss, weights + [seq])]


def test_every_fused_operation_agrees_on_both_backends():
    fast = _run_ops(0)
    previous = kernels.use("reference")
    try:
        reference = _run_ops(0)
    finally:
        kernels.use(previous)
    for a, b in zip(fast, reference):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("activation", ["relu", "softmax", None, "elu"])
def test_dense_applies_its_activation_fused_or_after(activation):
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
    w = np.eye(4, dtype="float32")
    y = np.asarray(ops.nn.dense(x, w, activation=activation))
    expected = {"relu": np.maximum(x, 0), None: x, "elu": np.where(x > 0, x, np.expm1(x)),
                "softmax": np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)}[activation]
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("backend", ["fast", "reference"])
def test_softmax_of_a_dense_or_conv_layer_is_fused_and_its_gradient_is_the_ops(backend):
    """Softmax over the last axis (keras.activations.softmax, by name or as the function) is
    computed by the layer's kernel: one operation on the tape, the same values and gradients
    as a linear layer followed by ops.softmax."""
    rng = np.random.default_rng(3)
    x = ops.convert_to_tensor(rng.standard_normal((5, 4, 4, 3)).astype("float32"))
    k = ops.Variable(rng.standard_normal((2, 2, 3, 6)).astype("float32"))
    b = ops.Variable(rng.standard_normal(6).astype("float32"))
    w = ops.Variable(rng.standard_normal((3, 7)).astype("float32"))
    previous = kernels.use(backend)
    try:
        results = []
        for activation in ("softmax", activations.softmax, None):
            with ops.GradientTape() as tape:
                conv = ops.nn.conv(x, k, b, padding="same", activation=activation)
                dense = ops.nn.dense(ops.reshape(x, (-1, 3)), w, activation=activation)
                if activation is None:
                    conv, dense = ops.softmax(conv), ops.softmax(dense)
                else:
                    assert conv._parents[0] is x and dense._parents[1] is w  # the kernel's own record
                loss = ops.sum(ops.square(conv)) + ops.sum(ops.sin(dense))
            results.append([np.asarray(v) for v in [conv, dense] + tape.gradient(loss, [k, b, w])])
    finally:
        kernels.use(previous)
    for fused in results[:2]:
        for a, c in zip(fused, results[2]):
            np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)


def test_recurrent_layers_refuse_softmax_which_their_kernels_cannot_apply():
    seq = np.ones((2, 5, 3), "float32")
    with pytest.raises(ValueError, match="supports? the activation 'tanh', 'sigmoid'.*'softmax'"):
        ops.nn.rnn("lstm", seq, np.ones((3, 8), "float32"), np.ones((2, 8), "float32"), activation="softmax")


def test_a_name_the_kernels_cannot_fuse_is_an_activation_of_ops():
    """ops sit below keras.activations, so they look names up among ops.activations."""
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)
    w = np.eye(4, dtype="float32")
    np.testing.assert_allclose(np.asarray(ops.nn.dense(x, w, activation="swish")),
                               np.asarray(activations.swish(x)), rtol=1e-6)
    for bad in ("np", "apply", "_one", "no_such_activation"):
        with pytest.raises(ValueError, match="Unknown activation function"):
            ops.nn.dense(x, w, activation=bad)


def test_max_pooling_keeps_the_winning_cells_only_where_a_backward_pass_can_follow(monkeypatch):
    """Inference asks the kernel for the maxima alone; a recorded call on an input that
    needs a gradient gets the indices its backward pass reads, and a correct gradient."""
    asked = []
    kernel = kernels.selected.max_pool2d_forward

    def spy(x, pool, strides, padding, with_argmax=True):
        asked.append(with_argmax)
        return kernel(x, pool, strides, padding, with_argmax)
    monkeypatch.setattr(kernels.selected, "max_pool2d_forward", spy)
    x = np.arange(32, dtype="float32").reshape(1, 4, 4, 2)
    ops.nn.pool(ops.convert_to_tensor(x), (2, 2), (2, 2))
    v = ops.Variable(x)
    with ops.GradientTape() as tape:
        total = ops.sum(ops.nn.pool(v, (2, 2), (2, 2)))
        ops.nn.pool(ops.convert_to_tensor(x), (2, 2), (2, 2))  # recorded, but nothing to differentiate
    grad = tape.gradient(total, v).numpy()
    assert asked == [False, True, False]
    assert grad.sum() == 8 and grad[0, 1, 1].tolist() == [1.0, 1.0]


def test_a_convolution_tells_its_kernel_whether_a_backward_pass_can_follow(monkeypatch):
    """conv2d_forward learns whether a tape records an argument that needs a gradient: only
    then may a backward pass follow (4x4 kernels choose their algorithm by it: kernels/winograd.py)."""
    asked = []
    kernel_fn = kernels.selected.conv2d_forward

    def spy(*args):
        asked.append(args[-1])
        return kernel_fn(*args)
    monkeypatch.setattr(kernels.selected, "conv2d_forward", spy)
    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.standard_normal((1, 6, 6, 2)).astype("float32"))
    k = ops.Variable(rng.standard_normal((4, 4, 2, 3)).astype("float32"))
    ops.nn.conv(x, k)
    with ops.GradientTape() as tape:
        total = ops.sum(ops.nn.conv(x, k))
        ops.nn.conv(x, ops.convert_to_tensor(k.numpy()))  # recorded, but nothing needs a gradient
    assert tape.gradient(total, k) is not None
    assert asked == [False, True, False]
