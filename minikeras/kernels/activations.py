"""Elementwise activations, written so that backward needs only the output.

relu, sigmoid, tanh, hard_sigmoid and linear all have derivatives that are
functions of their *output* y:

    relu' = [y > 0]    sigmoid' = y (1 - y)    tanh' = 1 - y^2
    hard_sigmoid' = 0.2 where 0 < y < 1        linear' = 1

so a layer keeps y (which it returns anyway) and can forget the pre-activation.
Each activation has a small integer code so numba kernels can take it as an
argument; ``activation_code`` returns None for anything else (softmax, elu, a
Python callable...), and the layer then applies that activation separately.

The scalar helpers ``activate`` and ``activation_derivative`` are also used by the
recurrent kernels. The array kernels fuse a bias add with the activation, because
after a GEMM the output is read and written once instead of twice.
"""
import numpy as np
from numba import njit

LINEAR, RELU, SIGMOID, TANH, HARD_SIGMOID = 0, 1, 2, 3, 4

_CODES = {None: LINEAR, "linear": LINEAR, "relu": RELU, "sigmoid": SIGMOID, "tanh": TANH,
          "hard_sigmoid": HARD_SIGMOID}


def activation_code(name):
    """Kernel code for an activation name (None means linear), or None if unsupported."""
    if name is None or isinstance(name, str):
        return _CODES.get(name)
    return None


# --------------------------------------------------------------------------- scalar helpers
# Constants are made with type(v)(...): a bare Python literal is a float64 and would
# silently turn float32 arithmetic into float64 arithmetic.

@njit(cache=True)
def fast_tanh(v):
    # numba's np.tanh calls libm's tanhf, ~15 ns per element here; through exp it is
    # ~4 ns. Using exp(-2|v|) <= 1 cannot overflow. Absolute error stays ~1 ulp of 1.
    one, two = type(v)(1), type(v)(2)
    e = np.exp(-two * abs(v))
    t = (one - e) / (one + e)
    return t if v >= 0 else -t


@njit(cache=True)
def activate(v, code):
    zero, one = type(v)(0), type(v)(1)
    if code == RELU:
        return zero if v < zero else v  # written this way round so NaN propagates
    if code == SIGMOID:
        return one / (one + np.exp(-v))
    if code == TANH:
        return fast_tanh(v)
    if code == HARD_SIGMOID:  # Keras 2 / tf.keras definition: clip(0.2 x + 0.5, 0, 1)
        return min(max(type(v)(0.2) * v + type(v)(0.5), zero), one)
    return v


@njit(cache=True)
def activation_derivative(y, code):
    """d act / d z, written in terms of the output y = act(z)."""
    zero, one = type(y)(0), type(y)(1)
    if code == RELU:
        return one if y > zero else zero
    if code == SIGMOID:
        return y * (one - y)
    if code == TANH:
        return one - y * y
    if code == HARD_SIGMOID:
        return type(y)(0.2) if zero < y < one else zero
    return one


# --------------------------------------------------------------------------- kernels
# error_model="numpy": a float division may not raise ZeroDivisionError, so the loop
# has no exception branch and LLVM can vectorize it. The `code` and `has_bias` tests
# are loop-invariant; LLVM hoists them out (loop unswitching), so each case runs as a
# tight loop of its own.

@njit(cache=True, error_model="numpy")
def _bias_activation_kernel(y, bias, code):
    rows, cols = y.shape
    has_bias = bias.shape[0] > 0
    for r in range(rows):
        for c in range(cols):
            v = y[r, c]
            if has_bias:
                v += bias[c]
            y[r, c] = activate(v, code)


@njit(cache=True, error_model="numpy")
def _bias_activation_backward_kernel(y, dy, code, dz, dbias):
    # dbias is a float64 accumulator (or empty): summing tens of thousands of float32
    # rows one after another in float32 would lose digits.
    rows, cols = y.shape
    has_bias = dbias.shape[0] > 0
    for r in range(rows):
        for c in range(cols):
            g = dy[r, c] * activation_derivative(y[r, c], code)
            dz[r, c] = g
            if has_bias:
                dbias[c] += g


def _as_rows(a, cols):
    """View a C-contiguous array as a 2-D (rows, cols) matrix without copying."""
    return a.reshape(-1, cols) if a.size else a.reshape(0, cols)


def bias_activation_inplace(y, bias, code):
    """y <- act(y + bias), bias broadcast along the last axis; returns y.

    y must be C-contiguous and writable (it normally comes straight from a GEMM).
    """
    if not y.flags.c_contiguous or not y.flags.writeable:
        raise ValueError("bias_activation_inplace needs a C-contiguous writable array")
    if bias is None:
        if code == LINEAR:
            return y
        bias = np.empty(0, y.dtype)
    else:
        bias = np.ascontiguousarray(bias, dtype=y.dtype)
    cols = y.shape[-1] if y.ndim else 1
    _bias_activation_kernel(_as_rows(y, cols), bias, code)
    return y


def bias_activation_backward(y, dy, code, has_bias):
    """Given y = act(z + bias) and dL/dy, return (dL/dz, dL/dbias or None).

    dbias sums over every axis but the last. For a linear activation without bias
    dz *is* dy (not a copy).
    """
    y = np.ascontiguousarray(y)
    dy = np.ascontiguousarray(dy, dtype=y.dtype)
    if code == LINEAR and not has_bias:
        return dy, None
    cols = y.shape[-1] if y.ndim else 1
    dz = np.empty_like(y)
    acc = np.zeros(cols if has_bias else 0, np.float64)
    _bias_activation_backward_kernel(_as_rows(y, cols), _as_rows(dy, cols), code, _as_rows(dz, cols), acc)
    return dz, (acc.astype(y.dtype) if has_bias else None)


def apply_activation_inplace(z, code):
    """z <- act(z) in place; returns z."""
    if code == LINEAR:
        return z
    if z.flags.c_contiguous and z.flags.writeable:
        _bias_activation_kernel(z.reshape(1, -1), np.empty(0, z.dtype), code)
    else:  # a strided view: work on a copy and write it back
        z[...] = apply_activation_inplace(np.ascontiguousarray(z), code)
    return z


def activation_grad_from_output(y, dy, code):
    """dL/dz from y = act(z) and dL/dy (for linear this returns dy itself)."""
    return bias_activation_backward(y, dy, code, False)[0]


# --------------------------------------------------------------------------- references

def apply_activation_reference(z, code):
    """act(z) as a new array (numpy)."""
    z = np.asarray(z)
    one = z.dtype.type(1)
    if code == RELU:
        return np.maximum(z, 0)
    if code == SIGMOID:
        return one / (one + np.exp(-z))
    if code == TANH:
        return np.tanh(z)
    if code == HARD_SIGMOID:
        return np.clip(z * z.dtype.type(0.2) + z.dtype.type(0.5), 0, 1)
    return z.copy()


def activation_grad_from_output_reference(y, dy, code):
    y, dy = np.asarray(y), np.asarray(dy)
    if code == RELU:
        return dy * (y > 0)
    if code == SIGMOID:
        return dy * y * (1 - y)
    if code == TANH:
        return dy * (1 - y * y)
    if code == HARD_SIGMOID:
        return dy * ((y > 0) & (y < 1)) * y.dtype.type(0.2)
    return dy.copy()


def bias_activation_reference(y, bias, code):
    return apply_activation_reference(y if bias is None else y + bias, code)


def bias_activation_backward_reference(y, dy, code, has_bias):
    dz = activation_grad_from_output_reference(y, dy, code)
    dbias = dz.reshape(-1, dz.shape[-1]).sum(axis=0) if has_bias else None
    return dz, dbias
