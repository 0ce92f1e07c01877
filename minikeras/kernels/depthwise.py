"""Depthwise 2-D convolution, NHWC, as direct loops (fast backend; reference:
``reference/conv.py``, depthwise_conv2d_forward / _backward).

Depthwise convolution filters every input channel on its own: kernel (kh, kw, cin, mult),
output channel c*mult + m is input channel c filtered by kernel[:, :, c, m] (Keras order).
As a grouped convolution it would have one group per channel, and the im2col route
would make that many tiny GEMMs, so here it is loops over (output pixel, tap, channel).
"""
import numpy as np
from numba import njit

from .conv_geometry import check_depthwise_arguments, conv2d_geometry

__all__ = ["depthwise_conv2d_forward", "depthwise_conv2d_backward"]


@njit(cache=True, no_cfunc_wrapper=True)
def _depthwise_walk(x, dk, sh, sw, pt, pl, dh, dw, out, backward, need_dx, dx, ddk):
    """Visit every (output pixel, kernel tap, channel) once.

    forward (backward=False): out (y) accumulates x * dk.
    backward: out is dy, and the same visit gives both gradients, because the tap pairs
    one x cell with one dy cell and each gradient is the product with the other factor:
    ddk accumulates x * dy, and dx (if need_dx) dy * dk.
    Viewing out as (..., channels, mult) keeps the innermost loops contiguous.
    """
    n, height, width, channels = x.shape
    kh, kw, _, mult = dk.shape
    _, out_h, out_w, _ = out.shape
    out5 = out.reshape(n, out_h, out_w, channels, mult)
    if backward:
        ddk[...] = 0
        dx[...] = 0
    else:
        out5[...] = 0
    for b in range(n):
        for oy in range(out_h):
            for ox in range(out_w):
                for ky in range(kh):
                    iy = oy * sh - pt + ky * dh
                    if iy < 0 or iy >= height:
                        continue
                    for kx in range(kw):
                        ix = ox * sw - pl + kx * dw
                        if ix < 0 or ix >= width:
                            continue
                        for c in range(channels):
                            xv = x[b, iy, ix, c]
                            if not backward:
                                for m in range(mult):
                                    out5[b, oy, ox, c, m] += xv * dk[ky, kx, c, m]
                                continue
                            acc = type(xv)(0)
                            for m in range(mult):
                                g = out5[b, oy, ox, c, m]
                                ddk[ky, kx, c, m] += xv * g
                                acc += g * dk[ky, kx, c, m]
                            if need_dx:
                                dx[b, iy, ix, c] += acc


def depthwise_conv2d_forward(x, depthwise_kernel, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """Depthwise conv: kernel (kh, kw, cin, mult); output channel c*mult + m (Keras order)."""
    x = np.ascontiguousarray(x)
    dk = np.ascontiguousarray(depthwise_kernel, dtype=x.dtype)
    check_depthwise_arguments(x, dk)
    (sh, sw), (dh, dw), pads, (oh, ow) = conv2d_geometry("depthwise_conv2d", x.shape[1:3], dk.shape[:2], strides,
                                                         padding, dilation)
    y = np.empty((x.shape[0], oh, ow, dk.shape[2] * dk.shape[3]), x.dtype)
    unused = np.empty((0, 0, 0, 0), x.dtype)
    _depthwise_walk(x, dk, sh, sw, pads[0][0], pads[1][0], dh, dw, y, False, False, unused, unused)
    return y


def depthwise_conv2d_backward(x, depthwise_kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1),
                              need_dx=True):
    """(dx or None, ddepthwise_kernel) of depthwise_conv2d_forward."""
    x = np.ascontiguousarray(x)
    dk = np.ascontiguousarray(depthwise_kernel, dtype=x.dtype)
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    check_depthwise_arguments(x, dk)
    (sh, sw), (dh, dw), pads, _ = conv2d_geometry("depthwise_conv2d", x.shape[1:3], dk.shape[:2], strides, padding,
                                                  dilation)
    dx = np.empty_like(x) if need_dx else np.empty((0, 0, 0, 0), x.dtype)
    ddk = np.empty_like(dk)
    _depthwise_walk(x, dk, sh, sw, pads[0][0], pads[1][0], dh, dw, dy, True, need_dx, dx, ddk)
    return (dx if need_dx else None), ddk
