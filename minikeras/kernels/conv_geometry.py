"""Convolution and pooling geometry, written once: output sizes and padding.

A convolution, a transposed convolution and a pooling window all slide a window of
``kernel_size`` cells (``dilation`` apart) over an axis with steps of ``stride``. How
long the output is and how much padding goes before and after depend only on those
numbers, so the layers (their output shapes), ``ops.nn`` (the shapes of symbolic
tensors) and both kernel backends ask this module instead of each working it out.

Every function looks at one axis and takes its arguments in one order:
``(input_size, kernel_size, stride, dilation, padding)``. An unknown size (``None``,
a symbolic batch or sequence length) gives ``None``. Padding is a Keras mode string
('valid', 'same', 'causal') or an explicit ``(before, after)`` pair; 'same' follows
TensorFlow: when the total padding is odd, the extra cell goes at the end.
"""
import numpy as np

__all__ = ["pair", "effective_kernel_size", "conv_padding", "conv_output_length", "conv_transpose_output_length",
           "transpose_output_padding", "conv2d_geometry", "conv2d_transpose_geometry", "pool_geometry",
           "check_conv2d_arguments", "check_depthwise_arguments", "check_transpose_arguments"]


def pair(value):
    """``3`` -> ``(3, 3)``; a pair stays a pair (as a tuple)."""
    return (value, value) if np.isscalar(value) else tuple(value)


def effective_kernel_size(kernel_size, dilation):
    """Cells a dilated window spans: k taps, d apart."""
    return (kernel_size - 1) * dilation + 1


def conv_padding(input_size, kernel_size, stride, dilation, mode):
    """(pad_before, pad_after) along one axis for Keras padding 'valid', 'same' or 'causal'."""
    k = effective_kernel_size(kernel_size, dilation)
    if mode == "valid":
        return 0, 0
    if mode == "same":
        out = -(-input_size // stride)
        total = max((out - 1) * stride + k - input_size, 0)
        return total // 2, total - total // 2
    if mode == "causal":  # Conv1D: output t sees inputs up to t only
        return k - 1, 0
    raise ValueError(f"Unknown padding mode {mode!r}: expected 'valid', 'same' or 'causal'")


def conv_output_length(input_size, kernel_size, stride, dilation, padding):
    """Output length along one axis (0 when the window does not fit; None for an unknown size)."""
    if input_size is None:
        return None
    if isinstance(padding, str):
        padding = conv_padding(input_size, kernel_size, stride, dilation, padding)
    span = input_size + padding[0] + padding[1] - effective_kernel_size(kernel_size, dilation)
    return span // stride + 1 if span >= 0 else 0


def conv_transpose_output_length(input_size, kernel_size, stride, dilation, mode, output_padding=None):
    """Keras Conv2DTranspose output length (Keras 2 ``conv_utils.deconv_length``)."""
    if input_size is None:
        return None
    k = effective_kernel_size(kernel_size, dilation)
    if output_padding is None:
        if mode == "valid":
            return input_size * stride + max(k - stride, 0)
        if mode == "same":
            return input_size * stride
    else:
        pad = {"same": k // 2, "valid": 0}.get(mode)
        if pad is not None:
            return (input_size - 1) * stride + k - 2 * pad + output_padding
    raise ValueError(f"Unknown padding mode {mode!r}: expected 'valid' or 'same'")


def transpose_output_padding(input_size, kernel_size, stride, dilation, mode, output_size):
    """The output_padding that makes a transposed convolution ``output_size`` long; None when
    the natural length (no output_padding) already is."""
    if conv_transpose_output_length(input_size, kernel_size, stride, dilation, mode) == output_size:
        return None
    k = effective_kernel_size(kernel_size, dilation)
    pad = k // 2 if mode == "same" else 0
    return output_size - ((input_size - 1) * stride + k - 2 * pad)


def conv2d_geometry(what, x_hw, kernel_hw, strides, padding, dilation):
    """(strides, dilation, pads, out_hw) of a 2-D convolution, as pairs; pads are explicit.

    Raises a ValueError naming ``what`` when the window does not fit the input."""
    strides, dilation = pair(strides), pair(dilation)
    if isinstance(padding, str):
        pads = tuple(conv_padding(n, k, s, d, padding) for n, k, s, d in zip(x_hw, kernel_hw, strides, dilation))
    else:
        pads = tuple(pair(p) for p in padding)
    out_hw = tuple(conv_output_length(n, k, s, d, p) for n, k, s, d, p in zip(x_hw, kernel_hw, strides, dilation, pads))
    if min(out_hw) < 1:
        raise ValueError(f"{what}: input {x_hw[0]}x{x_hw[1]} is too small for kernel {kernel_hw[0]}x{kernel_hw[1]} "
                         f"(dilation {dilation}, padding {pads}): the output would be empty")
    return strides, dilation, pads, out_hw


def conv2d_transpose_geometry(x_hw, kernel_hw, strides, mode, output_padding, dilation):
    """(strides, dilation, pads, out_hw) of a transposed convolution.

    Like TensorFlow's conv2d_transpose, the padding is the one a forward convolution
    of the *output* size would use, so that convolution maps y back onto x's size.
    """
    strides, dilation = pair(strides), pair(dilation)
    output_padding = (None, None) if output_padding is None else pair(output_padding)
    out_hw = tuple(conv_transpose_output_length(n, k, s, d, mode, op)
                   for n, k, s, d, op in zip(x_hw, kernel_hw, strides, dilation, output_padding))
    pads = tuple(conv_padding(n, k, s, d, mode) for n, k, s, d in zip(out_hw, kernel_hw, strides, dilation))
    return strides, dilation, pads, out_hw


def pool_geometry(x_shape, pool, strides, padding):
    """((ph, pw), (sh, sw), ((top, bottom), (left, right)), (out_h, out_w)) for Keras pooling
    arguments (``strides`` None means the pool size)."""
    pool = pair(pool)
    strides = pool if strides is None else pair(strides)
    hw = x_shape[1:3]
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"Unknown pooling padding {padding!r}: expected 'valid' or 'same'")
        pads = tuple(conv_padding(n, p, s, 1, padding) for n, p, s in zip(hw, pool, strides))
    else:
        pads = tuple(pair(p) for p in padding)
    out_hw = tuple(conv_output_length(n, p, s, 1, pad) for n, p, s, pad in zip(hw, pool, strides, pads))
    if min(out_hw) < 1:
        raise ValueError(f"pooling: input {hw[0]}x{hw[1]} is smaller than the pool {pool[0]}x{pool[1]} "
                         f"(padding {padding!r}): the output would be empty")
    return pool, strides, pads, out_hw


def check_conv2d_arguments(x, kernel, groups, what):
    """x (batch, h, w, c) and a kernel (kh, kw, c // groups, filters) that fit each other."""
    if x.ndim != 4 or kernel.ndim != 4:
        raise ValueError(f"{what}: expected x (batch, h, w, c) and a 4-D kernel, got {x.shape} and {kernel.shape}")
    cin, (cg, cout) = x.shape[3], kernel.shape[2:]
    if groups < 1 or cin % groups or cout % groups or cg * groups != cin:
        raise ValueError(f"{what}: kernel {kernel.shape} with groups={groups} does not fit "
                         f"{cin} input channels (need kernel[2] * groups == channels, channels and filters "
                         f"divisible by groups)")


def check_depthwise_arguments(x, depthwise_kernel):
    """x (batch, h, w, c) and a depthwise kernel (kh, kw, c, multiplier)."""
    if depthwise_kernel.ndim != 4 or x.ndim != 4 or depthwise_kernel.shape[2] != x.shape[3]:
        raise ValueError(f"depthwise_conv2d: kernel {depthwise_kernel.shape} does not match input {x.shape}")


def check_transpose_arguments(x, kernel):
    """x (batch, h, w, c) and a transposed-convolution kernel (kh, kw, filters, c)."""
    if x.ndim != 4 or kernel.ndim != 4 or kernel.shape[3] != x.shape[3]:
        raise ValueError(f"conv2d_transpose: kernel {kernel.shape} (kh, kw, filters, in) does not match "
                         f"input {x.shape}")
