"""2-D convolutions in NHWC, plain, grouped and transposed (fast backend; reference:
``reference/conv.py``, same names and signatures).

Layouts follow Keras ("channels_last"):

    x       (batch, height, width, in_channels)
    kernel  (kh, kw, in_channels // groups, out_channels)
    y       (batch, out_height, out_width, out_channels)

Padding is a Keras mode ('valid', 'same', 'causal') or explicit ((top, bottom),
(left, right)); sizes come from ``conv_geometry.py``. The arithmetic is im2col + GEMM
(``conv_gemm.py``, ``im2col.py``), except for 3x3 and 4x4 stride-1 convolutions with
enough channels and work, which run Winograd F(m x m, r x r) (``winograd.py``: m = 2, 3
or 4 for 3x3 kernels, 2.25-4x fewer multiplications; m = 2 or 3 for 4x4 kernels, 2.6-4x
fewer, and only in inference; ``use_winograd`` holds the measured rule, which picks m).
This module picks the algorithm and splits the batch over threads. The backward pass of a
layer with a bias and an activation is ``conv2d_activation_backward``: Winograd layers do
the activation's part inside their own loop, the others call ``bias_activation_backward``
first.

The images of a batch are independent, so a large convolution splits into one part per
CPU (``threads.py``): each part runs the GEMM driver on its images, and the parts' kernel
gradients are summed. Measured on the 2-vCPU machine, forward + backward, 1 vs 2 parts,
machine otherwise idle: toy-ResNet conv 64x30x30x32 -> 64: 96 vs 50 ms; 64x9x9x64 -> 64:
15.8 vs 9.2 ms; seed-CNN conv2 22.8 vs 14.6 ms (with OpenBLAS's 2 threads instead: 45,
16.6 and 58 ms). With both CPUs busy with other work the split cost 5-15%.

A transposed convolution (Keras Conv2DTranspose) is exactly the input-gradient of an
ordinary convolution, so it reuses the backward driver: its forward is col2im of
x @ kernel.T and its backward is an ordinary forward convolution of dy.
Depthwise convolution has direct loops of its own (``depthwise.py``).
"""
import numpy as np

from . import buffers
from .activation_codes import LINEAR, SOFTMAX
from .activations import bias_activation_backward
from .conv_gemm import backward_gemm, forward_gemm
from .conv_geometry import (check_conv2d_arguments, check_transpose_arguments, conv2d_geometry,
                            conv2d_transpose_geometry)
from .threads import batch_parts, run_parts
from .winograd import (backward_call, backward_chunks, forward_call, forward_chunks, kernel_gradient,
                       transformed_kernel, use_winograd)

__all__ = ["conv2d_forward", "conv2d_backward", "conv2d_activation_backward", "conv2d_transpose_forward",
           "conv2d_transpose_backward"]


def _prepare(x, kernel, strides, padding, dilation, groups, training):
    """Contiguous x and kernel (x's dtype), checked; the geometry; the batch split over threads;
    the algorithm (``training``: a backward pass follows)."""
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    check_conv2d_arguments(x, kernel, groups, "conv2d")
    strides, dilation, pads, out_hw = conv2d_geometry("conv2d", x.shape[1:3], kernel.shape[:2], strides, padding,
                                                      dilation)
    kh, kw, cg, cout = kernel.shape
    flops = 2 * x.shape[0] * out_hw[0] * out_hw[1] * kh * kw * cg * cout
    parts = batch_parts(x.shape[0], flops)
    tile = use_winograd(kernel.shape, strides, dilation, groups, out_hw, flops / len(parts), training)  # m, None
    return x, kernel, strides, dilation, pads, out_hw, parts, tile


def conv2d_forward(x, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, bias=None, code=LINEAR,
                   training=True):
    """y = act(conv2d(x, kernel) + bias) in NHWC.

    bias and code are optional; when given they are applied chunk by chunk while y is still in cache.
    ``training=False`` says no backward pass follows: 4x4 kernels may then run Winograd
    (``winograd.TRAINING_KERNEL_SIZES`` says why only then).
    """
    x, kernel, strides, dilation, pads, out_hw, parts, tile = _prepare(x, kernel, strides, padding, dilation, groups,
                                                                       training)
    y = buffers.empty((x.shape[0],) + out_hw + (kernel.shape[3],), x.dtype)
    if tile:
        # the kernel transformed once, and every part's arrays made here: a helper thread only
        # runs the numba loop (winograd.py says why)
        U = transformed_kernel(kernel, tile)
        run_parts(forward_chunks, [forward_call(x[b0:b1], kernel, tile, out_hw, pads, bias, code, y[b0:b1], U)
                                   for b0, b1 in parts])
        return y
    run_parts(lambda b0, b1: forward_gemm(x[b0:b1], kernel, out_hw, strides, pads, dilation, groups, bias, code,
                                          y[b0:b1]), parts)
    return y


def conv2d_backward(x, kernel, dy, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1, need_dx=True):
    """(dx or None, dkernel) of conv2d_forward without bias/activation.

    With a fused bias and activation, use ``conv2d_activation_backward``. need_dx=False
    skips the input gradient (first layer of a network).
    """
    prepared = _prepare(x, kernel, strides, padding, dilation, groups, True)
    return _backward(prepared, groups, dy, need_dx)[:2]


def conv2d_activation_backward(x, kernel, y, dy, code, has_bias, strides=(1, 1), padding="valid", dilation=(1, 1),
                               groups=1, need_dx=True):
    """(dx or None, dkernel, dbias or None) of conv2d_forward with its bias (``has_bias``) and
    activation ``code``, given its output y and dy = dL/dy.

    A Winograd layer turns dy into dz = dy * act'(y) chunk by chunk inside its own loop
    (``winograd.backward_chunks``), so a whole dz is never written and read back; the others
    run ``bias_activation_backward`` first."""
    prepared = _prepare(x, kernel, strides, padding, dilation, groups, True)
    tile = prepared[-1]
    if not tile or code == SOFTMAX or (code == LINEAR and not has_bias):
        dz, dbias = bias_activation_backward(y, dy, code, has_bias)
        return _backward(prepared, groups, dz, need_dx)[:2] + (dbias,)
    dx, dkernel, dbias = _backward(prepared, groups, dy, need_dx, y, code)
    return dx, dkernel, (dbias.astype(dkernel.dtype) if has_bias else None)


def _backward(prepared, groups, dy, need_dx, y=None, code=LINEAR):
    """(dx or None, dkernel, float64 dbias of the fused activation or None): both backward
    passes above; y and code only with Winograd."""
    x, kernel, strides, dilation, pads, _, parts, tile = prepared
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    dx = buffers.zeros(x.shape, dy.dtype) if need_dx else None
    if tile:  # as in conv2d_forward; the parts' transformed gradients are summed, then transformed once
        UT = transformed_kernel(kernel, tile, transposed=True) if need_dx else None
        calls = [backward_call(x[b0:b1], kernel, dy[b0:b1], tile, pads, need_dx, dx[b0:b1] if need_dx else None, UT,
                               None if y is None else y[b0:b1], code)
                 for b0, b1 in parts]
        run_parts(backward_chunks, calls)
        dU, dbias = calls[0].dU, calls[0].dbias
        for other in calls[1:]:
            dU += other.dU
            dbias += other.dbias
        return dx, kernel_gradient(dU, kernel.shape[0]), (dbias if y is not None else None)

    def part(b0, b1):
        return backward_gemm(x[b0:b1], (b1 - b0,) + x.shape[1:], kernel, dy[b0:b1], strides, pads, dilation,
                             groups, need_dx, True, dx[b0:b1] if need_dx else None)

    results = run_parts(part, parts)
    dkernel = results[0][1]
    for _, other in results[1:]:
        dkernel += other
    return dx, dkernel, None


def conv2d_transpose_forward(x, kernel, strides=(1, 1), padding="valid", output_padding=None, dilation=(1, 1)):
    """Keras Conv2DTranspose: x (b, h, w, cin), kernel (kh, kw, cout, cin) -> y (b, H, W, cout)."""
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    check_transpose_arguments(x, kernel)
    strides, dilation, pads, out_hw = conv2d_transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding,
                                                                output_padding, dilation)
    y_shape = (x.shape[0],) + out_hw + (kernel.shape[2],)
    return backward_gemm(None, y_shape, kernel, x, strides, pads, dilation, 1, True, False)[0]


def conv2d_transpose_backward(x, kernel, dy, strides=(1, 1), padding="valid", output_padding=None,
                              dilation=(1, 1), need_dx=True):
    """(dx or None, dkernel) of conv2d_transpose_forward."""
    x = np.ascontiguousarray(x)
    kernel = np.ascontiguousarray(kernel, dtype=x.dtype)
    dy = np.ascontiguousarray(dy, dtype=x.dtype)
    check_transpose_arguments(x, kernel)
    strides, dilation, pads, _ = conv2d_transpose_geometry(x.shape[1:3], kernel.shape[:2], strides, padding,
                                                           output_padding, dilation)
    # y = conv^T(x), so dx = conv(dy) and dkernel pairs the windows of dy with x.
    dx = forward_gemm(dy, kernel, x.shape[1:3], strides, pads, dilation, 1) if need_dx else None
    dkernel = backward_gemm(dy, dy.shape, kernel, x, strides, pads, dilation, 1, False, True)[1]
    return dx, dkernel
