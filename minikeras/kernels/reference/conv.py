"""2-D convolutions in NHWC, written tap by tap (reference backend; fast: ``kernels/conv.py``,
``kernels/depthwise.py``).

Layouts follow Keras ("channels_last"): x (batch, h, w, in_channels), kernel
(kh, kw, in_channels // groups, out_channels), y (batch, out_h, out_w, out_channels).

A convolution is a sum over the kh * kw kernel taps. For the tap (ky, kx), output pixel
(oy, ox) reads input pixel (oy * sh + ky * dh, ox * sw + kx * dw) of the padded input, so
the input pixels one tap touches form a strided slice of it, and the tap's contribution
is that slice times the matrix kernel[ky, kx]:

    y = sum over (ky, kx) of  xp[tap] @ kernel[ky, kx]

Backward reads the same equation the other way: dkernel[ky, kx] = xp[tap].T @ dy and
dxp[tap] += dy @ kernel[ky, kx].T. With groups, channel slice g of the output only sees
channel slice g of the input. Geometry (output size, padding) is ``conv_geometry.py``.
"""
import numpy as np

from ..activation_codes import LINEAR
from ..conv_geometry import (check_conv2d_arguments, check_depthwise_arguments, check_transpose_arguments,
                             conv2d_geometry, conv2d_transpose_geometry)
from .activations import bias_activation_backward, bias_activation_inplace

__all__ = ["conv2d_forward", "conv2d_backward", "conv2d_activation_backward", "depthwise_conv2d_forward",
           "depthwise_conv2d_backward", "conv2d_transpose_forward", "conv2d_transpose_backward"]


def _tap(ky, kx, out_hw, strides, dilation):
    """The slice of the padded input that kernel tap (ky, kx) reads for every output pixel."""
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilation
    return (slice(None), slice(ky * dh, ky * dh + (oh - 1) * sh + 1, sh),
            slice(kx * dw, kx * dw + (ow - 1) * sw + 1, sw))


def _channel_groups(kernel, groups):
    """(input channel slice, output channel slice) of every group."""
    cg, cog = kernel.shape[2], kernel.shape[3] // groups
    return [(slice(g * cg, (g + 1) * cg), slice(g * cog, (g + 1) * cog)) for g in range(groups)]


def conv2d_forward(x, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, bias=None, code=LINEAR,
                   training=True):
    """y = act(conv2d(x, kernel) + bias); padding a Keras mode or ((top, bottom), (left, right)).

    ``training`` (whether a backward pass follows) lets the fast backend choose its algorithm;
    this one has only the sum tap by tap."""
    check_conv2d_arguments(x, kernel, groups, "conv2d")
    strides, dilation, pads, out_hw = conv2d_geometry("conv2d", x.shape[1:3], kernel.shape[:2], strides, padding,
                                                      dilation)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    y = np.zeros((x.shape[0],) + out_hw + (kernel.shape[3],), x.dtype)
    for ky in range(kernel.shape[0]):
        for kx in range(kernel.shape[1]):
            window = xp[_tap(ky, kx, out_hw, strides, dilation)]
            for ci, co in _channel_groups(kernel, groups):
                y[..., co] += window[..., ci] @ kernel[ky, kx, :, co]
    return bias_activation_inplace(y, bias, code)


def conv2d_backward(x, kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, need_dx=True):
    """(dx or None, dkernel) of conv2d_forward without bias and activation."""
    check_conv2d_arguments(x, kernel, groups, "conv2d")
    strides, dilation, pads, out_hw = conv2d_geometry("conv2d", x.shape[1:3], kernel.shape[:2], strides, padding,
                                                      dilation)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    dxp = np.zeros_like(xp)
    dkernel = np.zeros_like(kernel)
    for ky in range(kernel.shape[0]):
        for kx in range(kernel.shape[1]):
            tap = _tap(ky, kx, out_hw, strides, dilation)
            for ci, co in _channel_groups(kernel, groups):
                dkernel[ky, kx, :, co] = np.einsum("nhwc,nhwo->co", xp[tap][..., ci], dy[..., co])
                dxp[tap + (ci,)] += dy[..., co] @ kernel[ky, kx, :, co].T
    height, width = x.shape[1:3]
    dx = dxp[:, pads[0][0]:pads[0][0] + height, pads[1][0]:pads[1][0] + width]
    return (dx if need_dx else None), dkernel


def conv2d_activation_backward(x, kernel, y, dy, code, has_bias, strides=(1, 1), padding="valid", dilation=(1, 1),
                               groups=1, need_dx=True):
    """(dx or None, dkernel, dbias or None) of conv2d_forward with its bias and activation, given
    its output y and dL/dy: the activation's backward pass, then the convolution's."""
    dz, dbias = bias_activation_backward(y, dy, code, has_bias)
    return conv2d_backward(x, kernel, dz, strides, padding, dilation, groups, need_dx) + (dbias,)


def depthwise_conv2d_forward(x, depthwise_kernel, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """Depthwise conv: kernel (kh, kw, cin, mult); output channel c*mult + m (Keras order).

    A depthwise convolution is a grouped convolution with one group per input channel."""
    check_depthwise_arguments(x, depthwise_kernel)
    kh, kw, cin, mult = depthwise_kernel.shape
    return conv2d_forward(x, depthwise_kernel.reshape(kh, kw, 1, cin * mult), strides, padding, dilation, groups=cin)


def depthwise_conv2d_backward(x, depthwise_kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1),
                              need_dx=True):
    """(dx or None, ddepthwise_kernel) of depthwise_conv2d_forward."""
    check_depthwise_arguments(x, depthwise_kernel)
    kh, kw, cin, mult = depthwise_kernel.shape
    dx, dk = conv2d_backward(x, depthwise_kernel.reshape(kh, kw, 1, cin * mult), dy, strides, padding, dilation,
                             groups=cin, need_dx=need_dx)
    return dx, dk.reshape(depthwise_kernel.shape)


def _canvas_hw(x_hw, kernel_hw, strides, dilation, out_hw):
    """Size of an output canvas every tap of every input pixel lands in (cropped to out_hw after)."""
    return tuple((n - 1) * s + (k - 1) * d + 1 + o for n, k, s, d, o in zip(x_hw, kernel_hw, strides, dilation, out_hw))


def conv2d_transpose_forward(x, kernel, strides=(1, 1), padding="valid", output_padding=None, dilation=(1, 1)):
    """Keras Conv2DTranspose: x (b, h, w, cin), kernel (kh, kw, cout, cin) -> y (b, H, W, cout).

    The scatter view: input pixel (i, j) paints kernel tap (ky, kx) onto output pixel
    (i*s + ky*d - pad, j*s + kx*d - pad); what falls outside the output is dropped."""
    check_transpose_arguments(x, kernel)
    strides, dilation, pads, (oh, ow) = conv2d_transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding,
                                                                  output_padding, dilation)
    canvas = np.zeros((x.shape[0],) + _canvas_hw(x.shape[1:3], kernel.shape[:2], strides, dilation, (oh, ow))
                      + (kernel.shape[2],), x.dtype)
    for ky in range(kernel.shape[0]):
        for kx in range(kernel.shape[1]):
            canvas[_tap(ky, kx, x.shape[1:3], strides, dilation)] += x @ kernel[ky, kx].T
    return canvas[:, pads[0][0]:pads[0][0] + oh, pads[1][0]:pads[1][0] + ow]


def conv2d_transpose_backward(x, kernel, dy, strides=(1, 1), padding="valid", output_padding=None,
                              dilation=(1, 1), need_dx=True):
    """(dx or None, dkernel) of conv2d_transpose_forward: gather from the canvas what forward painted."""
    check_transpose_arguments(x, kernel)
    strides, dilation, pads, (oh, ow) = conv2d_transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding,
                                                                  output_padding, dilation)
    dcanvas = np.zeros((x.shape[0],) + _canvas_hw(x.shape[1:3], kernel.shape[:2], strides, dilation, (oh, ow))
                       + (kernel.shape[2],), x.dtype)
    dcanvas[:, pads[0][0]:pads[0][0] + oh, pads[1][0]:pads[1][0] + ow] = dy
    dx = np.zeros_like(x)
    dkernel = np.zeros_like(kernel)
    for ky in range(kernel.shape[0]):
        for kx in range(kernel.shape[1]):
            window = dcanvas[_tap(ky, kx, x.shape[1:3], strides, dilation)]
            dx += window @ kernel[ky, kx]
            dkernel[ky, kx] = np.einsum("nhwo,nhwc->oc", window, x)
    return (dx if need_dx else None), dkernel
