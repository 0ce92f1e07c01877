"""im2col and col2im: the copies that turn a convolution into one matrix product (fast backend).

Every output pixel of a convolution needs the kh*kw*cin input values under its window.
``im2col`` copies them into one row of a matrix ``cols`` (pixels, kh*kw*cin), so the
convolution becomes ``cols @ kernel.reshape(kh*kw*cin, cout)``, a GEMM that BLAS runs
near peak speed; in NHWC that product *is* y. ``col2im`` is its adjoint, the input
gradient's last step: it adds every entry of ``dcols = dy @ kernel.T`` back onto the
input cell it was copied from.

Both walk the same windows in the same order and differ only in the direction a run of
values moves, so they are one loop nest, ``_walk_windows``, with a ``gather`` flag.

The copy loops index flat views with *unsigned* offsets. With a signed index numba
must handle negative (wrap-around) indices, and that test stops LLVM from turning the
loop into a vectorized copy: unsigned offsets make im2col about 5x faster.

An image with few channels (``SMALL_CHANNELS``: the one-channel first layer of an MNIST
CNN, an RGB image's) is gathered by numpy instead: all of cols is one strided view of
the image (``_window_view``), so one ``np.copyto`` fills it. numpy copies short runs
faster than the numba loop starts them, and a model whose only im2col is such a first
layer (no input gradient, so no col2im) compiles no window walk at all.
"""
import numpy as np
from numba import njit

from . import buffers
from .flat import flat

__all__ = ["im2col", "col2im", "im2col_one_channel"]


@njit(cache=True, no_cfunc_wrapper=True, nogil=True)
def _walk_windows(image, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols, gather):
    """Pair every entry of cols (n*out_h*out_w, kh*kw*cg) with the cell of channels
    c0:c0+cg of image that it stands for, and move the values: gather copies
    image -> cols (im2col), else cols is added onto image (col2im).

    Row order (image, out_y, out_x) is y's NHWC order; column order (ky, kx, c) is
    kernel.reshape(kh*kw*cg, cout)'s. Taps that fall in the padding read 0 (gather) or
    are dropped (scatter).

    Each window row is cut into runs of consecutive values, and every run is moved by the
    one copy loop below (or zeroed by the one zero loop): numba compiles, and LLVM
    vectorizes, each loop once.
    """
    n, height, width, channels = image.shape
    cg = cols.shape[1] // (kh * kw)
    xf, cf = flat(image), flat(cols)
    # Without dilation or groups, one window row (kw pixels x all channels) is one
    # contiguous run of the image: move it in one go.
    whole_rows = dw == 1 and cg == channels
    at = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                ix0 = ox * sw - pl
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    inside = 0 <= iy < height
                    # the row is one run (inside the image in one piece, or all padding)
                    # or kw runs of cg channels, one per tap
                    if not inside or (whole_rows and ix0 >= 0 and ix0 + kw <= width):
                        runs, length = 1, kw * cg
                    else:
                        runs, length = kw, cg
                    for kx in range(runs):
                        ix = ix0 + kx * dw
                        c = np.uint64(at)
                        if inside and 0 <= ix < width:
                            i = np.uint64(((b * height + iy) * width + ix) * channels + c0)
                            if gather:
                                for t in range(np.uint64(length)):
                                    cf[c + t] = xf[i + t]
                            else:
                                for t in range(np.uint64(length)):
                                    xf[i + t] += cf[c + t]
                        elif gather:
                            for t in range(np.uint64(length)):
                                cf[c + t] = 0
                        at += length


# Channel groups of at most this many channels are gathered by numpy (``_window_view``).
# Measured against the numba walk on 1 MB chunks, as conv_gemm.py makes them (3x3 kernels
# unless said, 32x32 images): 2-4 channels 0.66-0.78x its time (3 channels: 0.139 vs
# 0.179 ms valid, 0.147 vs 0.190 ms 'same'; 5x5 stride 2: 0.095 vs 0.145 ms); 8 channels
# 1.00-1.05x; 16 channels 1.23x; the seed CNN's second layer (32 channels, 4x4) 1.05x.
SMALL_CHANNELS = 4


def _check_target(array, shape, function, argument):
    """numpy writes into the target through a reshaped view: an array of another shape, or
    one that reshape would copy, would silently stay unfilled."""
    if not array.flags.c_contiguous or array.shape != shape:
        raise ValueError(f"{function} needs a C-contiguous {argument} of shape {shape}, got {array.shape}")


def _window_view(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, c0, cg, taps_first):
    """Every window cell of channels c0:c0+cg of x, as one read-only strided view: cell
    (b, oy, ox, ky, kx, c) is image[b, oy*sh + ky*dh, ox*sw + kx*dw, c0 + c], counted from
    the padding's start. ``taps_first`` (one channel only): ordered (ky, kx, b, oy, ox).

    1. The rows and columns the windows reach, padding included. Padding reads 0: when the
       windows reach outside x, x is first copied into a zero border.
    2. The view: six strides over that image, no copy.
    """
    n, height, width, channels = x.shape
    reach_h = pt + (out_h - 1) * sh + (kh - 1) * dh + 1
    reach_w = pl + (out_w - 1) * sw + (kw - 1) * dw + 1
    if pt or pl or reach_h > height or reach_w > width:
        image = buffers.zeros((n, max(reach_h, pt + height), max(reach_w, pl + width), channels), x.dtype)
        image[:, pt:pt + height, pl:pl + width] = x
    else:
        image = np.ascontiguousarray(x)
    sb, sy, sx, sc = image.strides
    if taps_first:
        shape, strides = (kh, kw, n, out_h, out_w), (dh * sy, dw * sx, sb, sh * sy, sw * sx)
    else:
        shape, strides = (n, out_h, out_w, kh, kw, cg), (sb, sh * sy, sw * sx, dh * sy, dw * sx, sc)
    return np.ndarray(shape, image.dtype, image, c0 * sc, strides)


def im2col(x, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols):
    """Fill cols (n*out_h*out_w, kh*kw*cg) with the windows of channels c0:c0+cg of x.

    (sh, sw) strides, (pt, pl) the top and left padding, (dh, dw) the dilation."""
    cg = cols.shape[1] // (kh * kw)
    if cg > SMALL_CHANNELS:
        _walk_windows(x, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols, True)
        return
    n = x.shape[0]
    _check_target(cols, (n * out_h * out_w, kh * kw * cg), "im2col", "cols")
    windows = _window_view(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, c0, cg, False)
    np.copyto(cols.reshape(n, out_h, out_w, kh, kw, cg), windows)


def col2im(dcols, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, dx):
    """The adjoint of im2col: add every entry of dcols onto the cell of dx it was read from."""
    _walk_windows(dx, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, dcols, False)


def im2col_one_channel(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, cols_t):
    """im2col for an input with one channel, stored transposed: cols_t (kh*kw, n*out_h*out_w).

    In the usual layout a one-channel window row is kw values, and the copy loop spends
    its time starting runs of 4 (2.4 ms per 17-image chunk of the seed CNN's first layer).
    Transposed, row (ky, kx) holds that tap's input for every output pixel, and each
    (tap, image, output row) is one run of out_w values (0.26 ms); BLAS reads cols_t.T
    with a transpose flag at the same speed.

    Transposed, the whole matrix is one strided view of the image: entry (ky, kx, b, oy, ox)
    is image[b, oy*sh + ky*dh, ox*sw + kx*dw] (rows and columns counted from the padding's
    start). So numpy fills it with one ``copyto``, releasing the GIL while it copies, and a
    new process has no kernel to compile for it: the numba loop this replaces took 0.3 s of
    CPU in the first training step of every model with a one-channel convolution (issue
    16). Measured against that loop, same machine, interleaved: 0.14 ms for 17 images of
    64x64 and a 4x4 kernel, both; a padded input is copied into a zero border first,
    0.117 against 0.101 ms for 64 images of 28x28, 3x3 'same'; a call pays about 5 us of
    numpy's call overheads (1.4 us before).
    """
    n = x.shape[0]
    _check_target(cols_t, (kh * kw, n * out_h * out_w), "im2col_one_channel", "cols_t")
    windows = _window_view(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, 0, 1, True)
    np.copyto(cols_t.reshape(kh, kw, n, out_h, out_w), windows)
