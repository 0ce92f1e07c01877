"""Chapter 4: the sizes and parameter counts of convolution layers, by hand."""


def conv_output_length(input_size, kernel_size, stride=1, padding="valid", dilation=1):
    """Length of a convolution's output along one axis (an int).

    ``padding="valid"``: the window never leaves the input. Without strides or dilation
    a window of ``k`` fits in ``n - k + 1`` positions (64 - 4 + 1 = 61 in the chapter);
    with ``stride`` s the window moves s cells at a time, so only every s-th of those
    positions is used (count them: the first at 0, then s, 2s, ... as long as the
    window fits). If the window does not fit at all, the output is empty: return 0.

    ``padding="same"``: the input is padded with zeros so that the output has
    ``ceil(n / stride)`` positions, whatever the kernel.

    ``dilation`` d spreads the window's taps d cells apart: a kernel of size k then spans
    ``(k - 1) * d + 1`` cells. Use that span in place of k above.
    """
    span = (kernel_size - 1) * dilation + 1
    if padding == "same":
        return -(-input_size // stride)
    if padding != "valid":
        raise ValueError(f"unknown padding {padding!r}")
    if span > input_size:
        return 0
    return (input_size - span) // stride + 1


def conv2d_params(kernel_size, in_channels, filters, use_bias=True):
    """Number of parameters of a ``Conv2D(filters, kernel_size)`` reading ``in_channels``
    channels. ``kernel_size`` is an int (a square window) or a pair ``(kh, kw)``.

    Each filter has one weight per window cell and input channel, plus one bias if
    ``use_bias``. In the chapter, ``Conv2D(16, 4)`` over 32 channels has
    16 * (4*4*32 + 1) = 8,208 parameters.
    """
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return filters * (kh * kw * in_channels + (1 if use_bias else 0))
