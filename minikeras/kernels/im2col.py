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

from .flat import flat

__all__ = ["im2col", "col2im", "im2col_one_channel"]


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def im2col_one_channel(x, kh, kw, sh, sw, pt, pl, dh, dw, out_h, out_w, cols_t):
    """im2col for an input with one channel, stored transposed: cols_t (kh*kw, n*out_h*out_w).

    In the usual layout a one-channel window row is kw values, and the copy loop spends
    its time starting runs of 4 (2.4 ms per 17-image chunk of the seed CNN's first layer).
    Transposed, row (ky, kx) holds that tap's input for every output pixel, and each
    (tap, image, output row) is one run of out_w values (0.26 ms); BLAS reads cols_t.T
    with a transpose flag at the same speed.
    """
    n, height, width, _ = x.shape
    xf = flat(x)
    for ky in range(kh):
        for kx in range(kw):
            row = cols_t[ky * kw + kx]
            off = kx * dw - pl
            # the output columns whose input column ox * sw + off is inside the image
            ox_lo = 0
            while ox_lo < out_w and ox_lo * sw + off < 0:
                ox_lo += 1
            ox_hi = out_w
            while ox_hi > ox_lo and (ox_hi - 1) * sw + off >= width:
                ox_hi -= 1
            for b in range(n):
                for oy in range(out_h):
                    iy = oy * sh - pt + ky * dh
                    d0 = (b * out_h + oy) * out_w
                    lo, hi = ox_lo, ox_hi  # output columns [lo, hi) read the image, the others padding
                    if iy < 0 or iy >= height:
                        lo = hi = out_w
                    d, end = np.uint64(d0), np.uint64(d0 + out_w)
                    for t in range(d, d + np.uint64(lo)):
                        row[t] = 0
                    for t in range(d + np.uint64(hi), end):
                        row[t] = 0
                    s0 = (b * height + iy) * width + lo * sw + off
                    d, s, step = np.uint64(d0 + lo), np.uint64(s0), np.uint64(sw)
                    for t in range(np.uint64(hi - lo)):
                        row[d + t] = xf[s + t * step]
