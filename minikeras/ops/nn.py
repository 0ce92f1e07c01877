"""Fused neural-network operations used by the built-in layers.

Each one is a single tape record with a hand-written backward that calls the selected
kernel backend, ``minikeras.kernels.selected`` (numba or the numpy references, one
interface): one record per layer call instead of one per elementary operation keeps
the Python overhead per training step small.
"""
import inspect

import numpy as np

from .. import kernels
from ..kernels.activation_codes import LINEAR, RELU, SIGMOID, SOFTMAX, TANH
from ..kernels.conv_geometry import conv_output_length, transpose_output_padding
from . import activations as activation_ops
from .core import apply, apply_multi
from .core import reshape as reshape_op
from .tape import _needs_grad, will_record

# Activations the kernels fuse with the bias add; others run as a separate op.
_FUSED_CODES = {None: LINEAR, "linear": LINEAR, "relu": RELU, "sigmoid": SIGMOID, "tanh": TANH,
                "softmax": SOFTMAX}


# The same activations as the functions layers hold (keras.activations.get resolved the name);
# softmax with its default axis, the last.
_FUSED_FUNCTIONS = {getattr(activation_ops, name): code for name, code in _FUSED_CODES.items() if name}


def fused_activation_code(activation):
    """Kernel code for an activation given by name or as a minikeras function, else None.
    (Asked by every dense and conv call: one dictionary lookup.)"""
    if isinstance(activation, str) or activation is None:
        return _FUSED_CODES.get(activation)
    try:
        return _FUSED_FUNCTIONS.get(activation)
    except TypeError:  # an unhashable callable (an object whose class sets __eq__ only)
        return None


def unfused_activation(activation):
    """The function an op applies after a kernel that could not fuse ``activation`` (None: linear).

    The built-in layers pass the function itself (``keras.activations.get`` resolved the name).
    A name given to these ops directly is looked up among ``ops.activations``, the functions
    ``keras.activations`` re-exports: ``keras.activations`` is built on ops, so ops look the
    name up one layer lower instead of importing it (that import would be a cycle).
    """
    if activation is None:
        return activation_ops.linear
    if isinstance(activation, dict):  # a serialized activation, {"class_name": ..., "config": name}
        activation = activation.get("config", activation.get("class_name"))
    if callable(activation):
        return activation
    public = isinstance(activation, str) and not activation.startswith("_")
    fn = getattr(activation_ops, activation, None) if public else None
    if not (inspect.isfunction(fn) and fn.__module__ == activation_ops.__name__):
        raise ValueError(f"Unknown activation function: {activation!r}. Known activations: the functions "
                         "of keras.activations (e.g. 'relu', 'softmax', 'gelu').")
    return fn


def dense(x, kernel, bias=None, activation=None):
    """act(x @ kernel + bias) on the last axis of ``x`` (any rank), as one operation.

    ``activation`` is a name or function; those the kernel cannot fuse are applied after.
    """
    code = fused_activation_code(activation)
    need_dx = _needs_grad(x)  # False for a model's input: skip a GEMM in backward

    def forward(x, kernel, *bias_arg):
        b = bias_arg[0] if bias_arg else None
        x2d = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        y = kernels.selected.dense_forward(x2d, kernel, b, LINEAR if code is None else code)

        def backward(g):
            dx, dk, db = kernels.selected.dense_backward(
                x2d, kernel, y, g.reshape(y.shape), LINEAR if code is None else code, b is not None, need_dx)
            grads = (dx.reshape(x.shape) if need_dx else None, dk)
            return grads + ((db,) if b is not None else ())
        return (y if x.ndim == 2 else y.reshape(x.shape[:-1] + (kernel.shape[-1],))), backward

    def rule(x_shape, k_shape, *b_shape):
        return tuple(x_shape[:-1]) + (k_shape[-1],)

    args = (x, kernel) + ((bias,) if bias is not None else ())
    out = apply(forward, *args, shape_rule=rule)
    if code is None:
        out = unfused_activation(activation)(out)
    return out


def _activation_tail(out, activation, code):
    """Apply an activation the kernel could not fuse."""
    if code is None:
        return unfused_activation(activation)(out)
    return out


def conv(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1, activation=None):
    """N-d convolution (N = 1 or 2, channels last) + bias + activation, one operation.

    A 1D convolution runs as a 2D one over a height of 1.
    """
    rank = kernel.ndim - 2
    code = fused_activation_code(activation)
    strides = _tuple(strides, rank)
    dilation = _tuple(dilation_rate, rank)
    if rank == 1:  # 'causal' pads the start of the width only: the height's kernel is 1
        out = _conv2d(_insert_height(x), reshape_op(kernel, (1,) + tuple(kernel.shape)), bias, (1,) + strides,
                      padding, (1,) + dilation, groups, code)
        out = reshape_op(out, _drop_height_shape(out))
    else:
        out = _conv2d(x, kernel, bias, strides, padding, dilation, groups, code)
    return _activation_tail(out, activation, code)


def _conv2d(x, kernel, bias, strides, padding, dilation, groups, code):
    kernel_code = LINEAR if code is None else code
    need_dx = _needs_grad(x)  # False for a model's input: no dx GEMM and col2im (a third of backward)
    args = (x, kernel) + ((bias,) if bias is not None else ())
    training = will_record(args)  # a backward pass may follow

    def forward(x, kernel, *bias_arg):
        b = bias_arg[0] if bias_arg else None
        y = kernels.selected.conv2d_forward(x, kernel, strides, padding, dilation, groups, b, kernel_code, training)

        def backward(g):
            dx, dk, db = kernels.selected.conv2d_activation_backward(x, kernel, y, g, kernel_code, b is not None,
                                                                     strides, padding, dilation, groups, need_dx)
            return (dx, dk) + ((db,) if b is not None else ())
        return y, backward

    return apply(forward, *args, shape_rule=_conv_shape_rule(strides, padding, dilation))


def _conv_shape_rule(strides, padding, dilation):
    def rule(x_shape, k_shape, *bias_shape):
        pads = [padding] * 2 if isinstance(padding, str) else padding
        spatial = tuple(conv_output_length(n, k, s, d, p)
                        for n, k, s, d, p in zip(x_shape[1:3], k_shape[:2], strides, dilation, pads))
        return (x_shape[0],) + spatial + (k_shape[-1],)
    return rule


def conv_transpose(x, kernel, bias, output_hw, strides=(1, 1), padding="valid", dilation_rate=(1, 1),
                   activation=None):
    """Keras Conv2DTranspose: kernel (kh, kw, filters, channels); ``output_hw`` fixes the size."""
    strides, dilation = _tuple(strides, 2), _tuple(dilation_rate, 2)

    def forward(x, kernel, *bias_arg):
        b = bias_arg[0] if bias_arg else None
        output_padding = tuple(transpose_output_padding(n, k, s, d, padding, out) for n, k, s, d, out
                               in zip(x.shape[1:3], kernel.shape[:2], strides, dilation, output_hw))
        y = kernels.selected.conv2d_transpose_forward(x, kernel, strides, padding, output_padding, dilation)
        if b is not None:
            y = y + b

        def backward(g):
            dx, dk = kernels.selected.conv2d_transpose_backward(x, kernel, g, strides, padding, output_padding,
                                                                dilation)
            return (dx, dk) + ((g.sum(axis=(0, 1, 2)),) if b is not None else ())
        return y, backward

    def rule(x_shape, k_shape, *bias_shape):
        return (x_shape[0],) + tuple(output_hw) + (k_shape[2],)

    args = (x, kernel) + ((bias,) if bias is not None else ())
    out = apply(forward, *args, shape_rule=rule)
    return unfused_activation(activation)(out) if activation is not None else out


def depthwise_conv(x, depthwise_kernel, bias=None, strides=(1, 1), padding="valid", dilation_rate=(1, 1),
                   activation=None):
    """Depthwise 2D convolution: kernel (kh, kw, channels, multiplier)."""
    strides, dilation = _tuple(strides, 2), _tuple(dilation_rate, 2)

    def forward(x, dk, *bias_arg):
        b = bias_arg[0] if bias_arg else None
        y = kernels.selected.depthwise_conv2d_forward(x, dk, strides, padding, dilation)
        if b is not None:
            y += b

        def backward(g):
            dx, ddk = kernels.selected.depthwise_conv2d_backward(x, dk, g, strides, padding, dilation)
            return (dx, ddk) + ((g.sum(axis=(0, 1, 2)),) if b is not None else ())
        return y, backward

    def rule(x_shape, k_shape, *bias_shape):
        out = _conv_shape_rule(strides, padding, dilation)(x_shape, k_shape[:2] + (1, k_shape[2] * k_shape[3]))
        return out

    args = (x, depthwise_kernel) + ((bias,) if bias is not None else ())
    out = apply(forward, *args, shape_rule=rule)
    return unfused_activation(activation)(out) if activation is not None else out


def _tuple(value, n):
    return (int(value),) * n if np.isscalar(value) else tuple(int(v) for v in value)


def _insert_height(x):
    return reshape_op(x, (x.shape[0], 1) + tuple(x.shape[1:]))


def _drop_height_shape(y):
    return (-1,) + tuple(y.shape[2:])


def batch_normalization(x, gamma, beta, moving_mean, moving_variance, axis=-1, epsilon=1e-3,
                        momentum=0.99, training=False):
    """Normalise along every axis but ``axis``. In training, use the batch's mean and (biased)
    variance and move the moving statistics towards them, as Keras 3 does; otherwise use the
    moving statistics. gamma/beta may be None (scale=False / center=False)."""

    def forward(x, *params):
        params = list(params)
        g = params.pop(0) if gamma is not None else None
        b = params.pop(0) if beta is not None else None
        channel = axis % x.ndim
        reduce_axes = tuple(i for i in range(x.ndim) if i != channel)
        shape = [1] * x.ndim
        shape[channel] = x.shape[channel]
        if training:
            mean = x.mean(axis=reduce_axes)
            var = x.var(axis=reduce_axes)
            moving_mean.assign(moving_mean.value * momentum + mean * (1 - momentum))
            moving_variance.assign(moving_variance.value * momentum + var * (1 - momentum))
        else:
            mean, var = moving_mean.value, moving_variance.value
        inv = (1.0 / np.sqrt(var + epsilon)).astype(x.dtype)
        xhat = (x - mean.reshape(shape)) * inv.reshape(shape)
        y = xhat * g.reshape(shape) if g is not None else xhat.copy()
        if b is not None:
            y += b.reshape(shape)

        def backward(dy):
            dxhat = dy * g.reshape(shape) if g is not None else dy
            if training:
                n = x.size // x.shape[channel]
                dx = inv.reshape(shape) / n * (n * dxhat - dxhat.sum(axis=reduce_axes, keepdims=True)
                                               - xhat * (dxhat * xhat).sum(axis=reduce_axes, keepdims=True))
            else:
                dx = dxhat * inv.reshape(shape)
            grads = [dx]
            if g is not None:
                grads.append((dy * xhat).sum(axis=reduce_axes))
            if b is not None:
                grads.append(dy.sum(axis=reduce_axes))
            return tuple(grads)
        return y, backward

    args = [x] + [p for p in (gamma, beta) if p is not None]
    return apply(forward, *args, shape_rule=lambda s, *rest: s)


def pool(x, pool_size, strides, padding="valid", mode="max"):
    """Max or average pooling over 1 or 2 spatial axes (channels last)."""
    if len(pool_size) == 1:
        out = pool(reshape_op(x, (x.shape[0], 1) + tuple(x.shape[1:])), (1,) + tuple(pool_size),
                   (1,) + tuple(strides), padding, mode)
        return reshape_op(out, (out.shape[0],) + tuple(out.shape[2:]))

    # the winning cells' indices only where a backward pass can follow (not in inference)
    with_argmax = will_record((x,))

    def forward(x):
        if mode == "max":
            y, argmax = kernels.selected.max_pool2d_forward(x, pool_size, strides, padding, with_argmax)
            return y, lambda g: (kernels.selected.max_pool2d_backward(g, argmax, x.shape),)
        y = kernels.selected.avg_pool2d_forward(x, pool_size, strides, padding)
        return y, lambda g: (kernels.selected.avg_pool2d_backward(g, x.shape, pool_size, strides, padding),)
    return apply(forward, x)


def rnn_activation_code(activation, role):
    code = fused_activation_code(activation)
    if code is None or code == SOFTMAX:  # the sequence kernels activate elementwise, one gate at a time
        raise ValueError(f"Recurrent layers support the {role} 'tanh', 'sigmoid', 'relu' or 'linear' "
                         f"in minikeras's kernels, received {getattr(activation, '__name__', activation)!r}.")
    return code


def rnn(cell_type, x, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
        go_backwards=False, return_sequences=False, return_state=False, activation="tanh",
        recurrent_activation="sigmoid", reset_after=True):
    """A whole recurrent sequence as one operation: (output, [final states]).

    ``x`` is (batch, time, features). The input projection of every step is one Dense layer
    over all steps at once (one GEMM); the sequence kernel walks through time. With
    ``go_backwards`` the sequence is read (and returned) reversed.
    """
    act = rnn_activation_code(activation, "activation")
    rec_act = rnn_activation_code(recurrent_activation, "recurrent_activation")
    n_states = 2 if cell_type == "lstm" else 1
    has_init = initial_state is not None and len(initial_state) > 0
    mask_values = None if mask is None else np.asarray(mask.value if hasattr(mask, "value") else mask, bool)
    need_dx = _needs_grad(x)  # False for a model's input

    def forward(x, kernel, U, *rest):
        rest = list(rest)
        b = rest.pop(0) if bias is not None else None
        states0 = rest if has_init else None
        batch, steps, features = x.shape
        units = U.shape[0]
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))
        m = None if mask_values is None else np.ascontiguousarray(mask_values.T)
        if go_backwards:
            xt = np.ascontiguousarray(xt[::-1])
            m = None if m is None else np.ascontiguousarray(m[::-1])
        x2d = xt.reshape(steps * batch, features)
        # GRU reset_after has two bias rows: for the input projection and the recurrent one.
        rec_bias = b[1] if b is not None and b.ndim == 2 else None
        xproj = kernels.selected.dense_forward(x2d, kernel, b if rec_bias is None else b[0], LINEAR)
        xproj = xproj.reshape(steps, batch, -1)
        zeros = np.zeros((batch, units), x.dtype)
        h0 = states0[0] if states0 else zeros
        if cell_type == "lstm":
            c0 = states0[1] if states0 else zeros
            hs, cs, gates = kernels.selected.lstm_sequence_forward(xproj, h0, c0, U, m, act, rec_act)
            finals = [hs[-1], cs[-1]]
        elif cell_type == "gru":
            hs, gates, rh = kernels.selected.gru_sequence_forward(xproj, h0, U, rec_bias, reset_after, m, act,
                                                                  rec_act)
            finals = [hs[-1]]
        else:
            hs = kernels.selected.simple_rnn_sequence_forward(xproj, h0, U, m, act)
            finals = [hs[-1]]
        output = hs.transpose(1, 0, 2) if return_sequences else hs[-1]

        def backward(grads):
            g_out, g_states = grads[0], list(grads[1:]) + [None] * (n_states - len(grads) + 1)
            if return_sequences:
                dhs = np.ascontiguousarray(g_out.transpose(1, 0, 2))
            else:
                dhs = np.zeros_like(hs)
                dhs[-1] = g_out
            if cell_type == "lstm":
                dxproj, dU, dh0, dc0 = kernels.selected.lstm_sequence_backward(
                    U, h0, c0, hs, cs, gates, dhs, g_states[0], g_states[1], m, act, rec_act)
                dstates = [dh0, dc0]
            elif cell_type == "gru":
                dxproj, dU, drec_bias, dh0 = kernels.selected.gru_sequence_backward(
                    U, h0, hs, gates, rh, dhs, g_states[0], reset_after, m, act, rec_act)
                dstates = [dh0]
            else:
                dxproj, dU, dh0 = kernels.selected.simple_rnn_sequence_backward(U, h0, hs, dhs, g_states[0], m, act)
                dstates = [dh0]
            # The input projection's backward, as a linear Dense layer's: three products.
            d2d = dxproj.reshape(steps * batch, -1)
            dkernel = x2d.T @ d2d
            dx = None
            if need_dx:
                dx = (d2d @ kernel.T).reshape(steps, batch, features)
                dx = (dx[::-1] if go_backwards else dx).transpose(1, 0, 2)
            result = [dx, dkernel, dU]
            if b is not None:
                # Column sums as a GEMV: d2d.sum(axis=0) loops over 3200 short rows (59 us; 9 us)
                db = np.ones(len(d2d), d2d.dtype) @ d2d
                result.append(np.stack([db, drec_bias]) if b.ndim == 2 else db)
            return tuple(result) + (tuple(dstates) if states0 else ())

        if return_state:
            return [output] + finals, backward
        return output, lambda g: backward([g])

    args = [x, kernel, recurrent_kernel] + ([bias] if bias is not None else []) + \
        (list(initial_state) if has_init else [])
    if return_state:
        outputs = apply_multi(forward, *args)
        return outputs[0], outputs[1:]
    return apply(forward, *args), []
