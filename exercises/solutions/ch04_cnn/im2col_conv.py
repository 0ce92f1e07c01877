"""Chapter 4: a convolution as one matrix product (im2col + GEMM), in NumPy.

Layouts are Keras's ("channels last"): images ``x`` (batch, height, width, channels),
kernels (kh, kw, channels, filters), outputs (batch, out_height, out_width, filters).
"""
import numpy as np  # noqa: F401


def im2col(x, kernel_size, strides=(1, 1), padding="valid"):
    """Copy every window of ``x`` into one row of a matrix; return that matrix.

    ``kernel_size`` is ``(kh, kw)``, ``strides`` is ``(sh, sw)``. The result has shape
    ``(batch * out_h * out_w, kh * kw * channels)`` and the dtype of ``x``:

    * rows in the order of the output pixels: image by image, and in each image row by
      row, left to right (the order of ``y.reshape(-1, filters)`` for the output y);
    * each row is the window at that output pixel, flattened in the order of the
      kernel's first three axes: ``x[b, top:top + kh, left:left + kw, :].reshape(-1)``
      for a window whose top-left corner is ``(top, left)``.

    The window of output pixel ``(oy, ox)`` starts at ``(oy * sh, ox * sw)`` in the
    (padded) input.

    ``padding="valid"``: no padding, ``out = (n - k) // s + 1`` along each axis.
    ``padding="same"``: ``out = ceil(n / s)``; pad each axis with
    ``total = max((out - 1) * s + k - n, 0)`` zeros, ``total // 2`` before and the rest
    after (``np.pad`` does it), then take the windows as for "valid".

    The chapter's version (stride 1, no padding) is a good start; for speed, loop over
    the kh * kw window positions rather than over the output pixels.
    """
    kh, kw = kernel_size
    sh, sw = strides
    n, height, width, channels = x.shape
    if padding == "same":
        pads = []
        for size, k, s in ((height, kh, sh), (width, kw, sw)):
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    elif padding != "valid":
        raise ValueError(f"unknown padding {padding!r}")
    height, width = x.shape[1:3]
    out_h = max((height - kh) // sh + 1, 0)
    out_w = max((width - kw) // sw + 1, 0)
    cols = np.empty((n, out_h, out_w, kh, kw, channels), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            cols[:, :, :, ky, kx, :] = x[:, ky:ky + (out_h - 1) * sh + 1:sh, kx:kx + (out_w - 1) * sw + 1:sw, :]
    return cols.reshape(n * out_h * out_w, kh * kw * channels)


def conv2d(x, kernel, bias=None, strides=(1, 1), padding="valid"):
    """A Conv2D layer's computation (no activation) through ``im2col`` and one matrix product.

    ``kernel`` has shape (kh, kw, channels, filters), ``bias`` (filters,) or None. Return
    ``y`` of shape (batch, out_h, out_w, filters) where
    ``y[b, oy, ox, f] = bias[f] + sum over ky, kx, c of window[ky, kx, c] * kernel[ky, kx, c, f]``.

    Hint: ``im2col(...) @ kernel.reshape(-1, filters)`` has one row per output pixel.
    """
    kh, kw, channels, filters = kernel.shape
    n, height, width, _ = x.shape
    cols = im2col(x, (kh, kw), strides, padding)
    y = cols @ kernel.reshape(kh * kw * channels, filters)
    if bias is not None:
        y = y + bias
    sh, sw = strides
    if padding == "same":
        out_h, out_w = -(-height // sh), -(-width // sw)
    else:
        out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
    return y.reshape(n, out_h, out_w, filters)
