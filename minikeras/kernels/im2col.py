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

__all__ = ["im2col", "col2im", "im2col_one_channel"]


@njit(cache=True, nogil=True)
def _zero_run(dst, d0, length):
    d0 = np.uint64(d0)
    for t in range(np.uint64(length)):
        dst[d0 + t] = 0


@njit(cache=True, nogil=True)
def _move_run(cols, c0, image, i0, length, gather):
    """gather: cols[c0:c0+length] = image[i0:i0+length]; else image[i0:...] += cols[c0:...]."""
    c0, i0 = np.uint64(c0), np.uint64(i0)
    if gather:
        for t in range(np.uint64(length)):
            cols[c0 + t] = image[i0 + t]
    else:
        for t in range(np.uint64(length)):
            image[i0 + t] += cols[c0 + t]


@njit(cache=True, nogil=True)
def _walk_windows(image, kh, kw, sh, sw, pt, pl, dh, dw, c0, out_h, out_w, cols, gather):
    """Pair every entry of cols (n*out_h*out_w, kh*kw*cg) with the cell of channels
    c0:c0+cg of image that it stands for, and move the values (see _move_run).

    Row order (image, out_y, out_x) is y's NHWC order; column order (ky, kx, c) is
    kernel.reshape(kh*kw*cg, cout)'s. Taps that fall in the padding read 0 (gather) or
    are dropped (scatter).
    """
    n, height, width, channels = image.shape
    cg = cols.shape[1] // (kh * kw)
    xf, cf = image.reshape(-1), cols.reshape(-1)
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
                    if iy < 0 or iy >= height:
                        if gather:
                            _zero_run(cf, at, kw * cg)
                        at += kw * cg
                        continue
                    row = (b * height + iy) * width
                    if whole_rows and ix0 >= 0 and ix0 + kw <= width:
                        _move_run(cf, at, xf, (row + ix0) * channels, kw * cg, gather)
                        at += kw * cg
                        continue
                    for kx in range(kw):
                        ix = ix0 + kx * dw
                        if 0 <= ix < width:
                            _move_run(cf, at, xf, (row + ix) * channels + c0, cg, gather)
                        elif gather:
                            _zero_run(cf, at, cg)
                        at += cg


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
    xf = x.reshape(-1)
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
                    if iy < 0 or iy >= height:
                        _zero_run(row, d0, out_w)
                        continue
                    _zero_run(row, d0, ox_lo)
                    _zero_run(row, d0 + ox_hi, out_w - ox_hi)
                    s0 = (b * height + iy) * width + ox_lo * sw + off
                    if sw == 1:
                        _move_run(row, d0 + ox_lo, xf, s0, ox_hi - ox_lo, True)
                    else:
                        for ox in range(ox_hi - ox_lo):
                            row[d0 + ox_lo + ox] = xf[s0 + ox * sw]
