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


def im2col(x, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols):
    """Fill cols (n*out_h*out_w, kh*kw*cg) with the windows of channels c0:c0+cg of x.

    (sh, sw) strides, (pt, pl) the top and left padding, (dh, dw) the dilation."""
    _walk_windows(x, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols, True)


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
    n, height, width, _ = x.shape
    if not cols_t.flags.c_contiguous or cols_t.shape != (kh * kw, n * out_h * out_w):
        raise ValueError(f"im2col_one_channel needs a C-contiguous cols_t of shape "
                         f"{(kh * kw, n * out_h * out_w)}, got {cols_t.shape}")
    # 1. The rows and columns the windows reach, padding included; padding reads 0.
    reach_h = pt + (out_h - 1) * sh + (kh - 1) * dh + 1
    reach_w = pl + (out_w - 1) * sw + (kw - 1) * dw + 1
    image = np.ascontiguousarray(x).reshape(n, height, width)
    if pt or pl or reach_h > height or reach_w > width:
        padded = buffers.zeros((n, max(reach_h, pt + height), max(reach_w, pl + width)), x.dtype)
        padded[:, pt:pt + height, pl:pl + width] = image
        image = padded
    # 2. Every (tap, image, output pixel) as one read-only view of it, copied in one go.
    sb, sy, sx = image.strides
    windows = np.ndarray((kh, kw, n, out_h, out_w), image.dtype, image, 0, (dh * sy, dw * sx, sb, sh * sy, sw * sx))
    np.copyto(cols_t.reshape(kh, kw, n, out_h, out_w), windows)
