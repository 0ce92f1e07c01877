"""ch04.im2col and ch04.conv2d: checked against minikeras.kernels (its numba im2col,
its numpy reference convolution, its GEMM convolution) and the Conv2D layer."""
import numpy as np
import pytest

from minikeras.kernels import fast, reference
from minikeras.kernels.conv_geometry import conv_output_length, conv_padding
from minikeras.kernels.im2col import im2col as minikeras_im2col_kernel
from minikeras.layers import Conv2D

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


def minikeras_im2col(x, kernel_size, strides, padding):
    """The windows minikeras's own numba kernel copies (minikeras.kernels.im2col)."""
    x = np.ascontiguousarray(x)
    (kh, kw), (sh, sw) = kernel_size, strides
    n, height, width, channels = x.shape
    (top, _), (left, _) = (conv_padding(size, k, s, 1, padding)
                           for size, k, s in ((height, kh, sh), (width, kw, sw)))
    out_h = conv_output_length(height, kh, sh, 1, padding)
    out_w = conv_output_length(width, kw, sw, 1, padding)
    cols = np.empty((n * out_h * out_w, kh * kw * channels), x.dtype)
    minikeras_im2col_kernel(x, kh, kw, sh, sw, top, left, 1, 1, 0, out_h, out_w, cols)
    return cols


def images(seed, shape):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


@pytest.mark.exercise("ch04.im2col", points=1, forbid=FORBID_IM2COL)
def test_the_chapter_example():
    tiny = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    cols = im2col(tiny, (2, 2))
    assert cols.shape == (9, 4)
    np.testing.assert_array_equal(cols[0], [0, 1, 4, 5])
    np.testing.assert_array_equal(cols, minikeras_im2col(tiny, (2, 2), (1, 1), "valid"))


@pytest.mark.exercise("ch04.im2col", points=1, forbid=FORBID_IM2COL)
def test_valid_windows_with_channels_match_minikeras():
    x = images(0, (3, 9, 7, 4))
    for kernel_size in [(3, 3), (2, 4), (1, 1), (9, 7)]:
        cols = im2col(x, kernel_size)
        assert cols.dtype == np.float32
        np.testing.assert_array_equal(cols, minikeras_im2col(x, kernel_size, (1, 1), "valid"))


@pytest.mark.exercise("ch04.im2col", points=1, forbid=FORBID_IM2COL)
def test_strides_and_same_padding_match_minikeras():
    x = images(1, (2, 10, 11, 3))
    for kernel_size, strides, padding in [((3, 3), (2, 2), "valid"), ((4, 2), (3, 1), "valid"),
                                          ((3, 3), (1, 1), "same"), ((4, 4), (2, 2), "same"),
                                          ((2, 5), (3, 2), "same")]:
        np.testing.assert_array_equal(im2col(x, kernel_size, strides, padding),
                                      minikeras_im2col(x, kernel_size, strides, padding),
                                      err_msg=f"{kernel_size} {strides} {padding}")


@pytest.mark.exercise("ch04.conv2d", points=1, forbid=FORBID_CONV2D)
def test_conv2d_matches_the_reference_convolution():
    x = images(2, (2, 12, 12, 3))
    kernel = images(3, (3, 3, 3, 5))
    y = conv2d(x, kernel)
    assert y.shape == (2, 10, 10, 5)
    np.testing.assert_allclose(y, reference.conv2d_forward(x, kernel), rtol=1e-4, atol=1e-4)


@pytest.mark.exercise("ch04.conv2d", points=1, forbid=FORBID_CONV2D)
def test_conv2d_with_bias_strides_and_padding_matches_the_gemm_kernel():
    x = images(4, (3, 15, 13, 2))
    kernel = images(5, (4, 3, 2, 6))
    bias = images(6, (6,))
    for strides, padding in [((1, 1), "valid"), ((2, 2), "same"), ((3, 2), "valid")]:
        expected = fast.conv2d_forward(x, kernel, strides=strides, padding=padding, bias=bias)
        np.testing.assert_allclose(conv2d(x, kernel, bias, strides, padding), expected, rtol=1e-4, atol=1e-4,
                                   err_msg=f"{strides} {padding}")


@pytest.mark.exercise("ch04.conv2d", points=1, forbid=FORBID_CONV2D)
def test_conv2d_matches_a_conv2d_layer():
    x = images(7, (4, 64, 64, 1))
    layer = Conv2D(32, kernel_size=4)
    layer.build((None, 64, 64, 1))
    kernel, bias = images(8, (4, 4, 1, 32)), images(9, (32,))
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(conv2d(x, kernel, bias), np.asarray(layer(x)), rtol=1e-4, atol=1e-4)
