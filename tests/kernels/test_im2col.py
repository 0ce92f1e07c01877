"""im2col and col2im: one walk over the windows, gathering or scattering."""
import numpy as np
import pytest

from minikeras.kernels.conv_geometry import conv2d_geometry
from minikeras.kernels import im2col as im2col_module
from minikeras.kernels.im2col import SMALL_CHANNELS, col2im, im2col, im2col_one_channel

from .helpers import rand


def _cols_for(x_shape, kernel_hw, strides, padding, dilation, cg):
    strides, dilation, pads, out_hw = conv2d_geometry("test", x_shape[1:3], kernel_hw, strides, padding, dilation)
    args = kernel_hw + strides + (pads[0][0], pads[1][0]) + dilation
    rows = x_shape[0] * out_hw[0] * out_hw[1]
    return args, out_hw, np.zeros((rows, kernel_hw[0] * kernel_hw[1] * cg))


CASES = [((2, 5, 6, 3), (3, 3), (1, 1), "same", (1, 1)), ((1, 7, 5, 2), (2, 3), (2, 1), "valid", (1, 2)),
         ((2, 4, 4, 4), (3, 2), (1, 2), ((2, 0), (1, 1)), (2, 1)),
         ((2, 5, 4, 7), (2, 3), (1, 1), "same", (1, 1))]  # more than SMALL_CHANNELS: the numba walk


@pytest.mark.parametrize("x_shape,kernel_hw,strides,padding,dilation", CASES)
def test_im2col_copies_every_window(x_shape, kernel_hw, strides, padding, dilation):
    rng = np.random.default_rng(0)
    x = rand(rng, x_shape)
    args, (oh, ow), cols = _cols_for(x_shape, kernel_hw, strides, padding, dilation, x_shape[3])
    im2col(x, *args, 0, oh, ow, cols)
    kh, kw, sh, sw, pt, pl, dh, dw = args
    xp = np.pad(x, ((0, 0), (pt, kh * dh + oh * sh), (pl, kw * dw + ow * sw), (0, 0)))
    expected = np.stack([xp[:, ky * dh:ky * dh + (oh - 1) * sh + 1:sh, kx * dw:kx * dw + (ow - 1) * sw + 1:sw]
                         for ky in range(kh) for kx in range(kw)], axis=3)  # (n, oh, ow, taps, c)
    np.testing.assert_array_equal(cols, expected.reshape(cols.shape))


@pytest.mark.parametrize("x_shape,kernel_hw,strides,padding,dilation", CASES)
@pytest.mark.parametrize("c0,cg", [(0, None), (1, 1)])
def test_col2im_is_the_adjoint_of_im2col(x_shape, kernel_hw, strides, padding, dilation, c0, cg):
    # <im2col(x), c> == <x, col2im(c)> for every x and c, on a channel slice too
    rng = np.random.default_rng(1)
    cg = cg or x_shape[3]
    args, (oh, ow), cols = _cols_for(x_shape, kernel_hw, strides, padding, dilation, cg)
    x = rand(rng, x_shape)
    im2col(x, *args, c0, oh, ow, cols)
    probe = rand(rng, cols.shape)
    back = np.zeros(x_shape)
    col2im(probe, *args, c0, oh, ow, back)
    assert np.isclose(np.vdot(cols, probe), np.vdot(x, back))
    outside = np.ones(x_shape[3], bool)
    outside[c0:c0 + cg] = False
    assert not back[..., outside].any()  # the other channels are left alone


@pytest.mark.parametrize("x_shape,kernel_hw,strides,padding,dilation", CASES)
def test_one_channel_im2col_is_the_transpose(x_shape, kernel_hw, strides, padding, dilation):
    rng = np.random.default_rng(2)
    x = rand(rng, x_shape[:3] + (1,))
    args, (oh, ow), cols = _cols_for(x.shape, kernel_hw, strides, padding, dilation, 1)
    im2col(x, *args, 0, oh, ow, cols)
    cols_t = np.empty(cols.shape[::-1])
    im2col_one_channel(x, *args, oh, ow, cols_t)
    np.testing.assert_array_equal(cols_t.T, cols)


def test_one_channel_im2col_reads_any_layout_and_refuses_a_cols_t_it_cannot_fill():
    # numpy copies into cols_t in place: a cols_t of another shape, or one whose reshape
    # would be a copy, would silently stay unfilled, so it is refused
    rng = np.random.default_rng(3)
    x = rand(rng, (3, 6, 5, 1))
    args, (oh, ow), cols = _cols_for(x.shape, (2, 3), (1, 2), "same", (1, 1), 1)
    expected = np.empty(cols.shape[::-1])
    im2col_one_channel(x, *args, oh, ow, expected)
    strided = np.asfortranarray(x)
    got = np.empty_like(expected)
    im2col_one_channel(strided, *args, oh, ow, got)
    np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError, match="C-contiguous cols_t of shape"):
        im2col_one_channel(x, *args, oh, ow, np.empty(expected.shape[::-1]).T)
    with pytest.raises(ValueError, match="C-contiguous cols_t of shape"):
        im2col_one_channel(x, *args, oh, ow, np.empty((expected.shape[0], expected.shape[1] + 1)))


@pytest.mark.parametrize("x_shape,kernel_hw,strides,padding,dilation", CASES)
@pytest.mark.parametrize("c0,cg", [(0, 1), (1, 2), (0, SMALL_CHANNELS), (1, SMALL_CHANNELS + 1), (0, 7)])
def test_numpys_gather_and_the_numba_walk_give_the_same_bits(x_shape, kernel_hw, strides, padding, dilation, c0, cg):
    # im2col gathers up to SMALL_CHANNELS channels with numpy, more with the numba walk:
    # both ways, every channel slice gives the same matrix (padding +0.0, NaN and -0.0 kept)
    x_shape = x_shape[:3] + (8,)
    rng = np.random.default_rng(4)
    x = rand(rng, x_shape).astype(np.float32)
    x.reshape(-1)[:4] = [np.nan, -0.0, np.inf, -np.inf]
    args, (oh, ow), cols = _cols_for(x_shape, kernel_hw, strides, padding, dilation, cg)
    by_walk = np.full(cols.shape, 7, np.float32)
    im2col_module._walk_windows(x, *args, c0, oh, ow, by_walk, True)
    by_view = np.full(cols.shape, 7, np.float32)
    np.copyto(by_view.reshape(x_shape[0], oh, ow, kernel_hw[0], kernel_hw[1], cg),
              im2col_module._window_view(x, *args, oh, ow, c0, cg, False))
    assert by_view.tobytes() == by_walk.tobytes()
    chosen = np.full(cols.shape, 7, np.float32)
    im2col(x, *args, c0, oh, ow, chosen)
    assert chosen.tobytes() == by_walk.tobytes()


def test_im2col_refuses_a_cols_it_cannot_fill():
    x = np.zeros((2, 5, 5, 3), np.float32)
    args, (oh, ow), cols = _cols_for(x.shape, (3, 3), (1, 1), "same", (1, 1), 3)
    with pytest.raises(ValueError, match="C-contiguous cols of shape"):
        im2col(x, *args, 0, oh, ow, np.zeros(cols.shape[::-1], np.float32).T)
