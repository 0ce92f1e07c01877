import numpy as np
import pytest

from minikeras.kernels import reference

from im2col_conv import conv2d, im2col

# minikeras's im2col kernels: a submission that uses them fails
FORBID_IM2COL = [
    "minikeras.kernels.im2col.im2col",
    "minikeras.kernels.im2col.im2col_one_channel",
    "minikeras.kernels.conv_gemm._chunk_cols",
]

# minikeras's convolution kernels: a submission that uses them fails
FORBID_CONV2D = [
    "minikeras.kernels.conv.conv2d_forward",
    "minikeras.kernels.reference.conv.conv2d_forward",
    "minikeras.kernels.conv_gemm.forward_gemm",
]


@pytest.mark.exercise("ch04.im2col", points=1, forbid=FORBID_IM2COL)
def test_same_padding_puts_the_odd_zero_at_the_end():
    x = np.arange(1, 1 + 2 * 5 * 6 * 2, dtype=np.float64).reshape(2, 5, 6, 2)
    cols = im2col(x, (2, 2), (1, 1), "same")        # total padding 1 per axis: all of it after
    assert cols.shape == (2 * 5 * 6, 8) and cols.dtype == np.float64
    np.testing.assert_array_equal(cols[0], np.concatenate([x[0, 0, 0], x[0, 0, 1], x[0, 1, 0], x[0, 1, 1]]))
    last = cols[5 * 6 - 1]                            # bottom-right window of image 0
    np.testing.assert_array_equal(last, np.concatenate([x[0, 4, 5], [0, 0], [0, 0], [0, 0]]))


@pytest.mark.exercise("ch04.conv2d", points=1, forbid=FORBID_CONV2D)
def test_conv2d_random_geometries():
    rng = np.random.default_rng(20)
    for _ in range(12):
        h, w = rng.integers(5, 14, size=2)
        kh, kw = rng.integers(1, 5, size=2)
        strides = tuple(int(s) for s in rng.integers(1, 4, size=2))
        padding = ["valid", "same"][int(rng.integers(2))]
        x = rng.normal(size=(2, h, w, 3)).astype(np.float32)
        kernel = rng.normal(size=(kh, kw, 3, 4)).astype(np.float32)
        expected = reference.conv2d_forward(x, kernel, strides=strides, padding=padding)
        np.testing.assert_allclose(conv2d(x, kernel, None, strides, padding), expected, rtol=1e-4, atol=1e-4)
