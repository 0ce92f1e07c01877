"""The functional neural-network operations of ``keras.ops`` (Keras's ``keras.ops.nn``):
encodings, cross-entropies, moments and normalisation, and the smaller activations.

(``ops/nn.py`` holds something else: the fused kernels behind the built-in layers.)
Most are written as compositions of differentiable operations, so their gradients and
their shape rules on KerasTensors come from the parts; ``one_hot`` is a table lookup
with no gradient.
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from ..kernels.conv_geometry import conv_transpose_output_length
from . import activations, core, nn
from .core import apply
from .linalg import norm
from .math import logsumexp
from .activations import (celu, glu, hard_shrink, hard_silu, hard_swish, hard_tanh, log_sigmoid,  # noqa: F401
                          soft_shrink, sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh_shrink,
                          threshold)
from .numpy import _as_float, einsum, moveaxis, tril, var


# ----------------------------------------------------------------------------- encodings

def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer class ids -> one-hot vectors along a new axis (floatx). Ids outside
    [0, num_classes) give all-zero vectors, as in Keras."""
    if sparse:
        raise ValueError("ops.one_hot: minikeras has only dense tensors; received sparse=True.")
    num_classes = _positive_int(num_classes, "one_hot", "num_classes")
    dtype = backend.standardize_dtype(dtype)

    def forward(ids):
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind != "f" or np.any(ids != np.floor(ids)):
                raise TypeError(f"ops.one_hot: expects integer class ids, received dtype {ids.dtype}.")
        ids = ids.astype(np.int64)
        out = (ids[..., None] == np.arange(num_classes)).astype(dtype)
        return np.moveaxis(out, -1, axis), lambda g: (None,)
    if isinstance(x, KerasTensor):
        shape = list(x.shape)
        shape.insert(axis % (len(shape) + 1), num_classes)
        return KerasTensor(tuple(shape), dtype)
    return apply(forward, x)


def multi_hot(inputs, num_classes, axis=-1, dtype=None, sparse=False):
    """Rows of class ids -> one vector per row with a 1 for every id in it (the ids axis, the
    last, is replaced by the classes)."""
    encoded = one_hot(inputs, num_classes, axis=-1, dtype=dtype, sparse=sparse)
    out = core.max(encoded, axis=-2)
    return out if axis == -1 else moveaxis(out, -1, axis)


def _positive_int(value, op, name):
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"ops.{op}: `{name}` must be a positive integer, received {name}={value!r}.")
    return int(value)


# ----------------------------------------------------------------------------- cross-entropies

def _check_same_shape(target, output, op):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"ops.{op}: target and output must have the same shape; received "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}.")


def binary_crossentropy(target, output, from_logits=False):
    """-(t log p + (1 - t) log(1 - p)), elementwise. With ``from_logits`` the output is a
    logit and the stable form max(z, 0) - z t + log(1 + exp(-|z|)) is used; otherwise p is
    clipped to [eps, 1 - eps] as Keras does."""
    target, output = _as_float(target), _as_float(output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return core.add(core.subtract(core.maximum(output, 0.0), core.multiply(output, target)),
                        core.log1p(core.exp(core.negative(core.abs(output)))))
    eps = backend.epsilon()
    p = core.clip(output, eps, 1.0 - eps)
    return core.negative(core.add(core.multiply(target, core.log(p)),
                                  core.multiply(core.subtract(1.0, target), core.log(core.subtract(1.0, p)))))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(t * log p) along ``axis``. Probabilities are first rescaled to sum to 1 and clipped
    to [eps, 1 - eps]; logits go through a stable log-softmax."""
    target, output = _as_float(target), _as_float(output)
    _check_same_shape(target, output, "categorical_crossentropy")
    if len(output.shape) < 1:
        raise ValueError("ops.categorical_crossentropy: output needs a class axis, received a scalar.")
    if from_logits:
        log_p = core.subtract(output, logsumexp(output, axis=axis, keepdims=True))
    else:
        eps = backend.epsilon()
        p = core.divide(output, core.sum(output, axis=axis, keepdims=True))
        log_p = core.log(core.clip(p, eps, 1.0 - eps))
    return core.negative(core.sum(core.multiply(target, log_p), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``categorical_crossentropy`` with integer class ids as the target (one fewer axis)."""
    output = _as_float(output)
    target_shape = tuple(target.shape) if hasattr(target, "shape") else np.shape(target)
    if len(target_shape) == len(output.shape) and target_shape[-1] == 1:
        target = core.squeeze(target, axis=-1)
        target_shape = target_shape[:-1]
    if tuple(target_shape) != tuple(output.shape[:-1]) and axis in (-1, len(output.shape) - 1):
        raise ValueError("ops.sparse_categorical_crossentropy: target must have the shape of output "
                         f"without its class axis; received target.shape={tuple(target_shape)}, "
                         f"output.shape={tuple(output.shape)}.")
    n = output.shape[axis]
    if n is None:
        raise ValueError(f"ops.sparse_categorical_crossentropy: the class axis of {output.shape} must be known.")
    return categorical_crossentropy(one_hot(target, n, axis=axis, dtype=output.dtype), output,
                                    from_logits=from_logits, axis=axis)


# ----------------------------------------------------------------------------- moments and normalisation

def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of ``x`` over ``axes`` (the biased variance, as batch normalisation uses)."""
    if synchronized:
        raise ValueError("ops.moments: synchronized=True needs distributed training, which minikeras "
                         "does not do.")
    x = _as_float(x)
    return core.mean(x, axis=axes, keepdims=keepdims), var(x, axis=axes, keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its ``order``-norm along ``axis`` (the norm floored at ``epsilon``)."""
    if not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"ops.normalize: `order` must be an integer >= 1, received order={order!r}.")
    x = _as_float(x)
    eps = backend.epsilon() if epsilon is None else epsilon
    return core.divide(x, core.maximum(norm(x, ord=order, axis=axis, keepdims=True), eps))


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, with the statistics shaped
    like ``x``'s ``axis`` (they are broadcast along it)."""
    x = _as_float(x)
    rank = len(x.shape)
    shape = [1] * rank
    shape[axis % rank] = x.shape[axis % rank]

    def along(v):
        return core.reshape(v, shape)
    inv = core.divide(1.0, core.sqrt(core.add(along(variance), epsilon)))
    if scale is not None:
        inv = core.multiply(inv, along(scale))
    out = core.multiply(core.subtract(x, along(mean)), inv)
    return core.add(out, along(offset)) if offset is not None else out


# ----------------------------------------------------------------------------- activations

def gelu(x, approximate=True):
    """``keras.ops.gelu``: by default the tanh approximation, as Keras's op (the activation
    ``keras.activations.gelu`` defaults to the exact form)."""
    return activations.gelu(x, approximate=approximate)


# ----------------------------------------------------------------------------- convolution and pooling

def _channels_last(data_format, op):
    if data_format not in (None, "channels_last"):
        raise ValueError(f"ops.{op}: minikeras computes channels_last data only; received "
                         f"data_format={data_format!r}.")


def _spatial_rank(inputs, op):
    rank = len(inputs.shape) - 2
    if rank not in (1, 2):
        raise ValueError(f"ops.{op}: minikeras's kernels handle 1-D and 2-D data (inputs of rank 3 or 4); "
                         f"received inputs of shape {tuple(inputs.shape)}.")
    return rank


def _padding(padding, op):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"ops.{op}: `padding` must be 'valid' or 'same', received {padding!r}.")
    return padding.lower()


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-d convolution (N = 1 or 2, channels last) with a kernel of shape
    (*spatial, in_channels / groups, out_channels), through the layers' fused kernel."""
    _channels_last(data_format, "conv")
    _spatial_rank(inputs, "conv")
    kernel = core.convert_to_tensor(kernel) if not hasattr(kernel, "shape") else kernel
    groups = inputs.shape[-1] // kernel.shape[-2] if inputs.shape[-1] is not None else 1
    return nn.conv(inputs, kernel, None, strides, _padding(padding, "conv"), dilation_rate, groups)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """2-D depthwise convolution: kernel (kh, kw, channels, multiplier)."""
    _channels_last(data_format, "depthwise_conv")
    if _spatial_rank(inputs, "depthwise_conv") != 2:
        raise ValueError(f"ops.depthwise_conv: minikeras handles 2-D data; received shape {tuple(inputs.shape)}.")
    return nn.depthwise_conv(inputs, kernel, None, strides, _padding(padding, "depthwise_conv"), dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """A depthwise convolution followed by a 1x1 convolution that mixes the channels."""
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format)


def _pool(inputs, pool_size, strides, padding, data_format, mode, op):
    _channels_last(data_format, op)
    rank = _spatial_rank(inputs, op)
    pool_size = (int(pool_size),) * rank if np.ndim(pool_size) == 0 else tuple(int(p) for p in pool_size)
    strides = pool_size if strides is None else (
        (int(strides),) * rank if np.ndim(strides) == 0 else tuple(int(s) for s in strides))
    return nn.pool(inputs, pool_size, strides, _padding(padding, op), mode)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1 or 2 spatial axes (strides default to the pool size)."""
    return _pool(inputs, pool_size, strides, padding, data_format, "max", "max_pool")


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1 or 2 spatial axes (strides default to the pool size)."""
    return _pool(inputs, pool_size, strides, padding, data_format, "average", "average_pool")


# ----------------------------------------------------------------------------- more normalisation

def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """(x - mean) / sqrt(var + epsilon) over ``axis``, then * gamma + beta."""
    x = _as_float(x)
    eps = backend.epsilon() if epsilon is None else epsilon
    mean, variance = moments(x, axes=axis, keepdims=True)
    out = core.divide(core.subtract(x, mean), core.sqrt(core.add(variance, eps)))
    if gamma is not None:
        out = core.multiply(out, gamma)
    return core.add(out, beta) if beta is not None else out


def rms_normalization(x, scale=1, axis=-1, epsilon=None):
    """x / sqrt(mean(x**2) + epsilon) over ``axis``, times ``scale``."""
    x = _as_float(x)
    eps = backend.epsilon() if epsilon is None else epsilon
    rms = core.sqrt(core.add(core.mean(core.square(x), axis=axis, keepdims=True), eps))
    return core.multiply(core.divide(x, rms), scale)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean squared error)."""
    x1, x2 = _as_float(x1), _as_float(x2)
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"ops.psnr: x1 and x2 must have the same shape; received {tuple(x1.shape)} and "
                         f"{tuple(x2.shape)}.")
    mse = core.mean(core.square(core.subtract(x1, x2)))
    return core.subtract(20.0 * float(np.log10(max_val)), core.multiply(core.log(mse), 10.0 / float(np.log(10))))


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """softmax(Q K^T * scale + bias, masked) V for inputs of shape (batch, length, heads, depth);
    ``scale`` defaults to 1/sqrt(depth). ``mask`` is True where attention is allowed."""
    if flash_attention:
        raise ValueError("ops.dot_product_attention: flash_attention needs a GPU kernel minikeras does not have.")
    if len(query.shape) != 4:
        raise ValueError("ops.dot_product_attention: expects (batch, length, heads, depth) inputs; received "
                         f"query of shape {tuple(query.shape)}.")
    depth = query.shape[-1]
    scale = 1.0 / float(np.sqrt(depth)) if scale is None else float(scale)
    logits = core.multiply(einsum("bqhd,bkhd->bhqk", query, key), scale)
    if attn_logits_soft_cap is not None:
        logits = core.multiply(core.tanh(core.divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap)
    if bias is not None:
        logits = core.add(logits, bias)
    allowed = None if mask is None else core.cast(mask, "bool")
    if is_causal:
        causal = tril(np.ones((query.shape[1], key.shape[1]), dtype=bool))
        allowed = causal if allowed is None else core.where(allowed, causal, False)
    if allowed is not None:
        logits = core.where(allowed, logits, np.finfo(np.float32).min)
    weights = activations.softmax(logits, axis=-1)
    return einsum("bhqk,bkhd->bqhd", weights, value)


def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into space: (b, h, w, c*s*s) -> (b, h*s, w*s, c)."""
    _channels_last(data_format, "depth_to_space")
    b, h, w, c = x.shape
    s = int(block_size)
    if c is None or h is None or w is None or c % (s * s):
        raise ValueError(f"ops.depth_to_space: needs known spatial sizes and channels divisible by "
                         f"block_size**2 = {s * s}; received shape {tuple(x.shape)}.")
    out = core.reshape(x, (-1, h, w, s, s, c // (s * s)))
    out = core.transpose(out, (0, 1, 3, 2, 4, 5))
    return core.reshape(out, (-1, h * s, w * s, c // (s * s)))


def space_to_depth(x, block_size, data_format="channels_last"):
    """Move space blocks into channels: (b, h*s, w*s, c) -> (b, h, w, c*s*s)."""
    _channels_last(data_format, "space_to_depth")
    b, h, w, c = x.shape
    s = int(block_size)
    if c is None or h is None or w is None or h % s or w % s:
        raise ValueError(f"ops.space_to_depth: needs known sizes with height and width divisible by "
                         f"block_size = {s}; received shape {tuple(x.shape)}.")
    out = core.reshape(x, (-1, h // s, s, w // s, s, c))
    out = core.transpose(out, (0, 1, 3, 2, 4, 5))
    return core.reshape(out, (-1, h // s, w // s, c * s * s))


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """2-D transposed convolution (the gradient of a convolution with respect to its input),
    kernel (kh, kw, out_channels, in_channels), channels last."""
    _channels_last(data_format, "conv_transpose")
    if _spatial_rank(inputs, "conv_transpose") != 2:
        raise ValueError(f"ops.conv_transpose: minikeras handles 2-D data; received shape {tuple(inputs.shape)}.")
    padding = _padding(padding, "conv_transpose")
    strides = (int(strides),) * 2 if np.ndim(strides) == 0 else tuple(int(s) for s in strides)
    dilation = (int(dilation_rate),) * 2 if np.ndim(dilation_rate) == 0 else tuple(int(d) for d in dilation_rate)
    extra = (None, None) if output_padding is None else (
        (int(output_padding),) * 2 if np.ndim(output_padding) == 0 else tuple(int(p) for p in output_padding))
    if None in inputs.shape[1:3]:
        raise ValueError(f"ops.conv_transpose: the spatial sizes of {tuple(inputs.shape)} must be known.")
    output_hw = tuple(conv_transpose_output_length(n, k, s, d, padding, p) for n, k, s, d, p
                      in zip(inputs.shape[1:3], kernel.shape[:2], strides, dilation, extra))
    return nn.conv_transpose(inputs, kernel, None, output_hw, strides, padding, dilation)


def _adaptive_pool(inputs, output_size, data_format, reduce, op):
    """Pool each spatial axis into ``output_size`` windows, window i spanning
    [floor(i n / out), ceil((i + 1) n / out)) as PyTorch defines them. Windows are rectangles,
    so the pooling is done one axis after another, each window by a differentiable reduction."""
    _channels_last(data_format, op)
    rank = len(inputs.shape) - 2
    if rank not in (1, 2, 3):
        raise ValueError(f"ops.{op}: expects inputs of rank 3, 4 or 5 (batch, *spatial, channels); "
                         f"received shape {tuple(inputs.shape)}.")
    sizes = (int(output_size),) * rank if np.ndim(output_size) == 0 else tuple(int(s) for s in output_size)
    if len(sizes) != rank or min(sizes) < 1:
        raise ValueError(f"ops.{op}: `output_size` needs {rank} positive sizes, received {output_size!r}.")
    x = _as_float(inputs)
    for axis, out in zip(range(1, rank + 1), sizes):
        n = x.shape[axis]
        if n is None:
            raise ValueError(f"ops.{op}: the spatial sizes of {tuple(inputs.shape)} must be known.")
        windows = []
        for i in range(out):
            start, stop = (i * n) // out, -((-(i + 1) * n) // out)
            index = [slice(None)] * len(x.shape)
            index[axis] = slice(start, stop)
            windows.append(reduce(core.getitem(x, tuple(index)), axis=axis, keepdims=True))
        x = core.concatenate(windows, axis=axis)
    return x


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed output size, whatever the input size."""
    return _adaptive_pool(inputs, output_size, data_format, core.mean, "adaptive_average_pool")


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed output size, whatever the input size."""
    return _adaptive_pool(inputs, output_size, data_format, core.max, "adaptive_max_pool")


# ----------------------------------------------------------------------------- im2col and col2im

def _two(value, name, op):
    pair = (int(value),) * 2 if np.ndim(value) == 0 else tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"ops.{op}: `{name}` must be an int or two ints, received {value!r}.")
    return pair


def _block_indices(height, width, kernel, dilation, padding, stride, op):
    """Row and column (in the padded image) of every kernel cell of every block: two
    (kh * kw, L) arrays, blocks in row-major order, as PyTorch's unfold lays them out."""
    padded = (height + 2 * padding[0], width + 2 * padding[1])
    counts = [(n - d * (k - 1) - 1) // s + 1 for n, k, d, s in zip(padded, kernel, dilation, stride)]
    if min(counts) < 1:
        raise ValueError(f"ops.{op}: the kernel {kernel} (dilation {dilation}) does not fit the padded image "
                         f"of size {padded}.")
    ki, kj = np.meshgrid(np.arange(kernel[0]), np.arange(kernel[1]), indexing="ij")
    bi, bj = np.meshgrid(np.arange(counts[0]), np.arange(counts[1]), indexing="ij")
    rows = ki.reshape(-1, 1) * dilation[0] + bi.reshape(1, -1) * stride[0]
    cols = kj.reshape(-1, 1) * dilation[1] + bj.reshape(1, -1) * stride[1]
    return rows, cols


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """im2col of a channels-first image batch (N, C, H, W): every sliding block flattened into a
    column, (N, C * kh * kw, L). A gather, so the gradient adds overlapping cells back."""
    if len(x.shape) != 4 or None in tuple(x.shape[1:]):
        raise ValueError(f"ops.unfold: expects (N, C, H, W) with known C, H, W; received {tuple(x.shape)}.")
    kernel, dil = _two(kernel_size, "kernel_size", "unfold"), _two(dilation, "dilation", "unfold")
    pad, step = _two(padding, "padding", "unfold"), _two(stride, "stride", "unfold")
    _, channels, height, width = x.shape
    rows, cols = _block_indices(height, width, kernel, dil, pad, step, "unfold")
    padded = core.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    blocks = core.getitem(padded, (slice(None), slice(None), rows, cols))     # (N, C, kh * kw, L)
    return core.reshape(blocks, (-1, channels * kernel[0] * kernel[1], rows.shape[1]))


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, the reverse of ``unfold``: columns (N, C * kh * kw, L) summed back into an image
    (N, C, H, W) of ``output_size``, overlapping cells adding up. Its gradient is ``unfold``."""
    size = _two(output_size, "output_size", "fold")
    kernel, dil = _two(kernel_size, "kernel_size", "fold"), _two(dilation, "dilation", "fold")
    pad, step = _two(padding, "padding", "fold"), _two(stride, "stride", "fold")
    rows, cols = _block_indices(size[0], size[1], kernel, dil, pad, step, "fold")
    cells = kernel[0] * kernel[1]

    def forward(columns):
        n, depth, blocks = columns.shape
        if depth % cells or blocks != rows.shape[1]:
            raise ValueError(f"ops.fold: expects (N, C * {cells}, {rows.shape[1]}) for kernel {kernel} and "
                             f"output {size}; received shape {columns.shape}.")
        channels = depth // cells
        out = np.zeros((n, channels, size[0] + 2 * pad[0], size[1] + 2 * pad[1]), dtype=columns.dtype)
        np.add.at(out, (slice(None), slice(None), rows, cols), columns.reshape(n, channels, cells, blocks))
        crop = (slice(None), slice(None), slice(pad[0], pad[0] + size[0]), slice(pad[1], pad[1] + size[1]))

        def backward(g):
            full = np.zeros_like(out)
            full[crop] = g
            return (full[:, :, rows, cols].reshape(columns.shape),)
        return out[crop].copy(), backward
    return apply(forward, x)
