"""minikeras.ops.nn_functions: one_hot, cross-entropies, moments, normalize and the small
activations (gradients, symbolic shapes, errors)."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients

TARGET = np.array([[0.0, 1.0, 0.0, 0.0], [0.2, 0.3, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize("name,fn", [
    ("bce_logits", lambda x: ops.binary_crossentropy(TARGET, x, from_logits=True)),
    ("bce", lambda x: ops.binary_crossentropy(TARGET, ops.sigmoid(x))),
    ("cce_logits", lambda x: ops.categorical_crossentropy(TARGET, x, from_logits=True)),
    ("cce", lambda x: ops.categorical_crossentropy(TARGET, ops.softmax(x))),
    ("scce_logits", lambda x: ops.sparse_categorical_crossentropy(np.array([1, 2, 0]), x, from_logits=True)),
    ("moments_mean", lambda x: ops.moments(x, axes=[0])[0]), ("moments_var", lambda x: ops.moments(x, axes=[1])[1]),
    ("normalize", ops.normalize), ("normalize_l1", lambda x: ops.normalize(x, axis=0, order=1)),
    ("log_sigmoid", ops.log_sigmoid), ("hard_tanh", lambda x: ops.hard_tanh(x * 0.7)),
    ("hard_silu", ops.hard_silu), ("celu", lambda x: ops.celu(x, 0.5)), ("glu", ops.glu),
    ("soft_shrink", lambda x: ops.soft_shrink(x, 0.1)), ("hard_shrink", lambda x: ops.hard_shrink(x, 0.1)),
    ("tanh_shrink", ops.tanh_shrink), ("squareplus", ops.squareplus), ("sparse_plus", ops.sparse_plus),
    ("threshold", lambda x: ops.threshold(x, 0.1, -2.0)),
    ("batch_normalization", lambda x: ops.batch_normalization(x, x[0], ops.square(x[1]) + 0.5, axis=1,
                                                              offset=x[2], scale=x[0])),
])
def test_gradients(name, fn, float64):
    check_gradients(fn, (3, 4))


def test_one_hot_and_multi_hot():
    out = ops.one_hot(np.array([0, 2, 5, -1]), 3)
    assert out.dtype == "float32"
    assert out.numpy().tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]
    assert ops.one_hot(np.array([[0, 1]]), 2, axis=1).shape == (1, 2, 2)
    assert ops.multi_hot(np.array([[0, 2], [1, 1]]), 4).numpy().tolist() == [[1, 0, 1, 0], [0, 1, 0, 0]]
    assert ops.multi_hot(np.array([0, 3]), 4).numpy().tolist() == [1, 0, 0, 1]


def test_crossentropies_agree_with_each_other():
    logits = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    labels = np.array([0, 3, 1, 1, 2])
    sparse = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True).numpy()
    dense = ops.categorical_crossentropy(ops.one_hot(labels, 4), logits, from_logits=True).numpy()
    probs = ops.categorical_crossentropy(ops.one_hot(labels, 4), ops.softmax(logits)).numpy()
    np.testing.assert_allclose(sparse, dense, rtol=1e-6)
    np.testing.assert_allclose(probs, dense, rtol=1e-4)
    np.testing.assert_allclose(sparse, -np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))
                               [np.arange(5), labels], rtol=1e-5)


def test_symbolic():
    x = KerasTensor((None, 4))
    assert ops.one_hot(KerasTensor((None, 3), "int32"), 5).shape == (None, 3, 5)
    assert ops.categorical_crossentropy(x, x).shape == (None,)
    assert ops.sparse_categorical_crossentropy(KerasTensor((None,), "int32"), x).shape == (None,)
    assert [t.shape for t in ops.moments(x, axes=[0])] == [(4,), (4,)]
    assert ops.glu(x).shape == (None, 2)
    assert ops.normalize(x).shape == (None, 4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="num_classes"):
        ops.one_hot(np.array([1]), 0)
    with pytest.raises(TypeError, match="integer class ids"):
        ops.one_hot(np.array([0.5]), 3)
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="without its class axis"):
        ops.sparse_categorical_crossentropy(np.array([0, 1, 2]), np.ones((2, 4)))
    with pytest.raises(ValueError, match="even size"):
        ops.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="order"):
        ops.normalize(np.ones(3), order=0)


@pytest.mark.parametrize("name,fn,shape", [
    ("conv1d", lambda x: ops.conv(x, ops.reshape(x[0, :3, :2], (3, 2, 1)) * 0.5 + 1.0, padding="same"), (2, 5, 2)),
    ("conv2d", lambda x: ops.conv(x, ops.ones((2, 2, 2, 3), "float64"), strides=2), (1, 4, 4, 2)),
    ("max_pool", lambda x: ops.max_pool(x, 2), (1, 4, 4, 2)),
    ("average_pool", lambda x: ops.average_pool(x, (2, 1), strides=1, padding="same"), (1, 3, 3, 2)),
    ("depthwise_conv", lambda x: ops.depthwise_conv(x, ops.ones((2, 2, 2, 1), "float64")), (1, 3, 3, 2)),
    ("layer_normalization", lambda x: ops.layer_normalization(x, gamma=x[0, 0], beta=None), (2, 3, 4)),
    ("rms_normalization", lambda x: ops.rms_normalization(x, scale=2.0), (2, 3, 4)),
    ("dot_product_attention", lambda x: ops.dot_product_attention(x, x * 0.5, ops.square(x), is_causal=True),
     (1, 3, 2, 4)),
])
def test_layer_op_gradients(name, fn, shape, float64):
    check_gradients(fn, shape)


def test_layer_ops_errors():
    with pytest.raises(ValueError, match="channels_last"):
        ops.max_pool(np.ones((1, 4, 4, 2), "float32"), 2, data_format="channels_first")
    with pytest.raises(ValueError, match="rank 3 or 4"):
        ops.conv(np.ones((1, 2, 2, 2, 1), "float32"), np.ones((1, 1, 1, 1, 1), "float32"))
    with pytest.raises(ValueError, match="padding"):
        ops.average_pool(np.ones((1, 4, 4, 2), "float32"), 2, padding="full")
    with pytest.raises(ValueError, match="same shape"):
        ops.psnr(np.ones((2, 2)), np.ones(2), 1.0)


@pytest.mark.parametrize("kwargs", [dict(strides=2), dict(strides=2, padding="same"),
                                    dict(strides=(2, 1), output_padding=(1, 0))])
def test_conv_transpose_gradients(kwargs, float64):
    check_gradients(lambda x: ops.conv_transpose(x, ops.reshape(ops.ones((12,), "float64") * 0.3, (2, 2, 3, 1))
                                                 + x[0, 0, 0, 0], **kwargs), (1, 3, 3, 1))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=2, padding=1),
                                    dict(kernel_size=2, dilation=2, padding=(1, 0))])
def test_unfold_and_fold_gradients_and_round_trip(kwargs, float64):
    check_gradients(lambda x: ops.unfold(x, **kwargs), (2, 2, 5, 6))
    columns = ops.unfold(np.ones((2, 2, 5, 6)), **kwargs)
    check_gradients(lambda c: ops.fold(c, (5, 6), **kwargs), tuple(columns.shape))
    # fold(unfold(x)) multiplies each cell by the number of blocks that cover it
    image = np.random.default_rng(0).normal(size=(2, 2, 5, 6))
    coverage = ops.fold(ops.unfold(np.ones_like(image), **kwargs), (5, 6), **kwargs).numpy()
    np.testing.assert_allclose(ops.fold(ops.unfold(image, **kwargs), (5, 6), **kwargs).numpy(), image * coverage)


def test_unfold_fold_errors():
    with pytest.raises(ValueError, match="does not fit"):
        ops.unfold(np.ones((1, 1, 2, 2)), 3)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        ops.unfold(np.ones((2, 2, 2)), 1)
    with pytest.raises(ValueError, match="expects"):
        ops.fold(np.ones((1, 5, 9)), (4, 4), 2)


@pytest.mark.parametrize("name,fn,shape", [
    ("adaptive_average_pool", lambda x: ops.adaptive_average_pool(x, (2, 3)), (1, 5, 7, 2)),
    ("adaptive_max_pool", lambda x: ops.adaptive_max_pool(x, 3), (2, 5, 2)),
])
def test_adaptive_pool_gradients(name, fn, shape, float64):
    check_gradients(fn, shape)


def test_adaptive_pool_windows_and_errors():
    x = np.arange(5.0, dtype="float32").reshape(1, 5, 1)
    # windows [0, 2), [1, 4), [3, 5) for 5 -> 3
    assert ops.adaptive_average_pool(x, 3).numpy().ravel().tolist() == [0.5, 2.0, 3.5]
    assert ops.adaptive_max_pool(x, 3).numpy().ravel().tolist() == [1, 3, 4]
    with pytest.raises(ValueError, match="output_size"):
        ops.adaptive_max_pool(np.ones((1, 4, 4, 1)), (2, 2, 2))
    with pytest.raises(ValueError, match="channels_last"):
        ops.adaptive_average_pool(np.ones((1, 4, 1)), 2, data_format="channels_first")
