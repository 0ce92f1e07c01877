"""Elementwise activations as numba loops (fast backend; reference: ``reference/activations.py``).

Activations travel as integer codes, and backward needs only the output y
(``activation_codes.py`` says why). The kernels work on blocks of columns so the
recurrent kernels can activate one gate block at a time; for dense and conv layers they
fuse the bias add with the activation, so that after a GEMM the output is read and
written once, not twice. sigmoid and tanh are built on a vectorizable exp (``expm1``),
in float32 for float32 arrays.
"""
import numpy as np
from numba import njit, types
from numba.extending import overload

from . import buffers
from .activation_codes import HARD_SIGMOID, LINEAR, RELU, SIGMOID, SOFTMAX, TANH, activation_code  # noqa: F401 (re-exported)
from .pow2 import pow2
from .threads import ELEMENT_FLOPS, batch_parts, run_parts


# --------------------------------------------------------------------------- scalar helpers
# sigmoid and tanh are built on expm1, which has one version per precision: float32
# inputs compute in float32 (16 vector lanes, a degree-7 polynomial), float64 inputs in
# float64 (8 lanes, degree 14), each accurate to its type's rounding. Constants are made
# with type(v)(...) or np.float32(...): a bare Python float literal is a float64 and
# would silently promote float32 arithmetic.
#
# numba copies these helpers into the function that calls them (inline="always", in its own
# IR, before typing) instead of compiling each as a function of its own, which then every
# caller links in and optimizes again: in a new process a float32 sigmoid loop compiled
# seven functions besides itself (sigmoid, expm1's overload, _expm1_float32, _reduce_float32,
# _pow2_float32, min, max), now three (the overload, min, max); the seed CNN's relu and
# sigmoid loops took 0.45 s to compile, now 0.33 s. LLVM inlined the helpers anyway: the
# results are the same bit for bit, and the loops as fast. The helpers take the error model
# of their caller, "numpy" everywhere (the overloads and the _jit loops).
_scalar = njit(cache=True, no_cfunc_wrapper=True, error_model="numpy", inline="always")


@_scalar
def _expm1_float64(x):
    """exp(x) - 1 in float64, built from multiply-adds so that loops calling it vectorize.

    numba turns np.exp into a call to the C library, which LLVM cannot vectorize
    (that needs Intel's SVML): sigmoid and tanh would then cost one opaque call per
    element. Here exp(x) = 2**n exp(r) with n = round(x / ln 2) and |r| <= ln(2)/2;
    exp(r) - 1 is its Taylor series up to r**14/14! (error below float64 rounding),
    and 2**n is built from its exponent bits (``pow2.py``). Returning exp(x) - 1 rather
    than exp(x) keeps full precision near x = 0, where tanh(x) ~ x. |x| is clamped to 43,
    where every caller has long saturated (exp(-43) ~ 2e-19).
    """
    x = min(max(x, -43.0), 43.0)
    n = np.floor(x * 1.4426950408889634 + 0.5)
    r = (x - n * 0.6931471803691238) - n * 1.9082149292705877e-10  # ln 2 in two parts: r stays exact
    q = 1.0 / 87178291200.0           # Horner: 1/14! r + 1/13!, times r, + 1/12!, ...
    q = q * r + 1.0 / 6227020800.0
    q = q * r + 1.0 / 479001600.0
    q = q * r + 1.0 / 39916800.0
    q = q * r + 1.0 / 3628800.0
    q = q * r + 1.0 / 362880.0
    q = q * r + 1.0 / 40320.0
    q = q * r + 1.0 / 5040.0
    q = q * r + 1.0 / 720.0
    q = q * r + 1.0 / 120.0
    q = q * r + 1.0 / 24.0
    q = q * r + 1.0 / 6.0
    q = q * r + 0.5
    q = q * r + 1.0
    q = q * r  # exp(r) - 1 = r + r**2/2! + ... + r**14/14!
    scale = pow2(n)
    return scale * q + (scale - 1.0)


@_scalar
def _reduce_float32(x):
    """(n, exp(r) - 1) with x = n ln 2 + r and |r| <= ln(2)/2, in float32: exp(x) is then
    2**n (exp(r) - 1) + 2**n, and 2**n is exact. _expm1_float64's method at float32
    precision.

    With |r| <= ln(2)/2 the Taylor series up to r**7/7! leaves an error below 2e-8 of
    exp(r) - 1, under float32's rounding (6e-8); ln 2 is split as in Cephes' expf so
    that r = x - n ln 2 stays exact.
    """
    n = np.floor(x * np.float32(1.4426950408889634) + np.float32(0.5))
    r = (x - n * np.float32(0.693359375)) - n * np.float32(-2.12194440e-4)
    q = np.float32(1.0 / 5040.0)
    q = q * r + np.float32(1.0 / 720.0)
    q = q * r + np.float32(1.0 / 120.0)
    q = q * r + np.float32(1.0 / 24.0)
    q = q * r + np.float32(1.0 / 6.0)
    q = q * r + np.float32(0.5)
    q = q * r + np.float32(1.0)
    return n, q * r  # exp(r) - 1 = r + r**2/2! + ... + r**7/7!


@_scalar
def _expm1_float32(x):
    """exp(x) - 1 in float32 (``_reduce_float32``). Measured on the 2-vCPU machine: a
    sigmoid pass over float32 columns 2.2x faster than through the float64 version (0.85
    vs 1.85 ns per value; 0.51 ns since 2**n comes from its bits, ``pow2.py``), within 2 ulp
    of the exact sigmoid.
    """
    n, q = _reduce_float32(min(max(x, np.float32(-43.0)), np.float32(43.0)))
    scale = pow2(n)
    return scale * q + (scale - np.float32(1.0))


@_scalar
def _exp_nonpositive_float32(x):
    """exp(x) for x <= 0 in float32 (softmax's inputs after the row's maximum is taken off),
    down to float32's smallest normal numbers: x is clamped at -86 (exp(-86) = 4.5e-38).

    2**n, n >= -124, is a normal float32 (``pow2``). Below -86 the result is 0 (exp(-inf)
    must be 0, as a masked logit's is); a NaN computes as -86 (``pow2`` needs a number) and
    is returned as it came.
    """
    inside = x >= np.float32(-86.0)  # False for a NaN
    n, q = _reduce_float32(x if inside else np.float32(-86.0))
    e = pow2(n) * (q + np.float32(1.0))
    return e if inside else (np.float32(0.0) if x == x else x)


def expm1(x):
    """exp(x) - 1 for a float32 or float64 scalar, in its own precision. Called from
    Python this is numpy's; inside the kernels numba compiles the version below."""
    return np.expm1(x)


@overload(expm1, jit_options={"error_model": "numpy", "no_cfunc_wrapper": True})
def _expm1_by_precision(x):
    """numba picks the version for the argument's type when it compiles the caller."""
    if x == types.float32:
        return lambda x: _expm1_float32(x)
    return lambda x: _expm1_float64(np.float64(x))


def exp_nonpositive(x):
    """exp(x) for x <= 0; inside the kernels numba compiles the version below."""
    return np.exp(x)


@overload(exp_nonpositive, jit_options={"error_model": "numpy", "no_cfunc_wrapper": True})
def _exp_nonpositive_by_precision(x):
    """float32: the vectorizable polynomial; float64 (gradient checks): the C library's exp."""
    if x == types.float32:
        return lambda x: _exp_nonpositive_float32(x)
    return lambda x: np.exp(np.float64(x))


@_scalar
def sigmoid(v):
    return type(v)(1) / (type(v)(2) + expm1(-v))


@_scalar
def tanh(v):
    # tanh(|v|) = (1 - e) / (1 + e) with e = exp(-2|v|) <= 1, which cannot overflow
    em1 = expm1(type(v)(-2) * abs(v))
    t = -em1 / (type(v)(2) + em1)
    return t if v >= 0 else -t


@_scalar
def relu(v):
    return type(v)(0) if v < 0 else v  # written this way round so NaN propagates


@_scalar
def hard_sigmoid(v):  # Keras 2 / tf.keras definition: clip(0.2 v + 0.5, 0, 1)
    return min(max(type(v)(0.2) * v + type(v)(0.5), type(v)(0)), type(v)(1))


# --------------------------------------------------------------------------- block kernels
# The kernels work on the columns c0:c1 of a C-contiguous 2-D array: a whole layer
# output, or one gate block of a recurrent layer's (batch, G*units) pre-activations.
# Three details make their loops vectorize (measured: ~10x for sigmoid and tanh):
#  * each activation gets its own loop, with no test of the activation inside it:
#    LLVM does not hoist a five-way switch out of a loop, so a loop calling a switching
#    function stays scalar. (One loop taking the scalar function as an argument would
#    read shorter, but numba does not cache such a kernel: measured, it recompiled in
#    every process, 6 s. Hence five loops of the same shape.);
#  * column indices are unsigned: with a signed index that does not start at 0,
#    numba must handle negative (wrap-around) indices, and that test blocks LLVM;
#  * error_model="numpy" removes the ZeroDivisionError branch of every division.
# Each loop is a kernel of its own, so numba compiles only the activations a program
# uses: a dense or conv layer calls its activation's kernel directly (``ACTIVATE`` and
# ``DERIVATIVE`` below, indexed by code), and a new process running a relu network
# compiles the relu loops only (issue 16: the five loops in one kernel took 1.6 s to
# compile in the seed CNN's first step). The recurrent kernels, whose activations are
# arguments, call ``activate_columns`` / ``multiply_by_derivative``, which choose a loop;
# numba copies these two switches into their callers (inline="always"): compiled apart,
# each was one more level that linked, optimized and emitted the five loops again (seed
# LSTM's first training step in a new process: 5.1 s, 4.6 s inlined).
# nogil everywhere: conv and dense layers run them in several threads.

_jit = njit(cache=True, no_cfunc_wrapper=True, error_model="numpy", nogil=True)
_switch = njit(cache=True, no_cfunc_wrapper=True, error_model="numpy", nogil=True, inline="always")


@_jit
def _linear_columns(a, c0, c1, bias):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        for c in range(c0, c1):
            a[r, c] += bias[c - c0]


@_jit
def _relu_columns(a, c0, c1, bias):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        for c in range(c0, c1):
            a[r, c] = relu(a[r, c] + bias[c - c0])


@_jit
def _sigmoid_columns(a, c0, c1, bias):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        for c in range(c0, c1):
            a[r, c] = sigmoid(a[r, c] + bias[c - c0])


@_jit
def _tanh_columns(a, c0, c1, bias):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        for c in range(c0, c1):
            a[r, c] = tanh(a[r, c] + bias[c - c0])


@_jit
def _hard_sigmoid_columns(a, c0, c1, bias):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        for c in range(c0, c1):
            a[r, c] = hard_sigmoid(a[r, c] + bias[c - c0])


# Row sums for softmax. ``reassoc`` lets LLVM add in vector lanes (16 partial sums, then
# those), 10x faster than one running sum; the order depends only on the compiled code, so
# the bits do not change from call to call. Sums are float64, as accurate as numpy's.

@njit(cache=True, no_cfunc_wrapper=True, nogil=True, fastmath={"reassoc"})
def _row_sum(a, r, c0, c1):
    total = 0.0
    for c in range(np.uint64(c0), np.uint64(c1)):
        total += a[r, c]
    return total


@njit(cache=True, no_cfunc_wrapper=True, nogil=True, fastmath={"reassoc"})
def _row_dot(a, b, r, c0, c1):
    total = 0.0
    for c in range(np.uint64(c0), np.uint64(c1)):
        total += a[r, c] * b[r, c]
    return total


@_jit
def _softmax_columns(a, c0, c1, bias):
    """Each row's columns c0:c1 <- softmax(row + bias) (dense and conv layers pass whole rows:
    softmax over the last axis). Per row: the bias and the maximum, exp of the shifted
    values (a NaN anywhere makes the sum, hence the whole row, NaN, as in numpy), their
    sum, the division. Measured: a 64x10 batch in 5 us (numpy's four passes 9.5 us),
    64x1000 about as fast as numpy."""
    if c1 <= c0:
        return
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(a.shape[0]):
        top = a[r, c0] + bias[0]
        for c in range(c0, c1):
            v = a[r, c] + bias[c - c0]
            a[r, c] = v
            top = v if v > top else top
        for c in range(c0, c1):
            a[r, c] = exp_nonpositive(a[r, c] - top)
        total = a.dtype.type(_row_sum(a, r, c0, c1))
        for c in range(c0, c1):
            a[r, c] /= total


@_switch
def activate_columns(a, c0, c1, bias, code):
    """a[:, c0:c1] = act(a[:, c0:c1] + bias) in place; bias has c1 - c0 entries (zeros for none)."""
    if code == RELU:
        _relu_columns(a, c0, c1, bias)
    elif code == SIGMOID:
        _sigmoid_columns(a, c0, c1, bias)
    elif code == TANH:
        _tanh_columns(a, c0, c1, bias)
    elif code == HARD_SIGMOID:
        _hard_sigmoid_columns(a, c0, c1, bias)
    else:  # linear
        _linear_columns(a, c0, c1, bias)


@_switch
def activate_rows(a, bias, code):
    """a = act(a + bias) in place over all its columns, the activation chosen inside numba,
    softmax included: for a kernel that applies a layer's bias and activation inside its own
    loop (winograd.py). (The recurrent kernels' switch, activate_columns, leaves softmax out:
    activation_codes.py says why.)"""
    if code == SOFTMAX:
        _softmax_columns(a, np.int64(0), np.int64(a.shape[1]), bias)
    else:
        activate_columns(a, np.int64(0), np.int64(a.shape[1]), bias, code)


@_jit
def _relu_derivative(g, y, c0, c1):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    zero = g.dtype.type(0)
    for r in range(g.shape[0]):
        for c in range(c0, c1):
            g[r, c] = g[r, c] if y[r, c] > zero else zero


@_jit
def _sigmoid_derivative(g, y, c0, c1):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    one = g.dtype.type(1)
    for r in range(g.shape[0]):
        for c in range(c0, c1):
            g[r, c] *= y[r, c] * (one - y[r, c])


@_jit
def _tanh_derivative(g, y, c0, c1):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    one = g.dtype.type(1)
    for r in range(g.shape[0]):
        for c in range(c0, c1):
            g[r, c] *= one - y[r, c] * y[r, c]


@_jit
def _hard_sigmoid_derivative(g, y, c0, c1):
    c0, c1 = np.uint64(c0), np.uint64(c1)
    zero, one = g.dtype.type(0), g.dtype.type(1)
    for r in range(g.shape[0]):
        for c in range(c0, c1):
            g[r, c] = g[r, c] * g.dtype.type(0.2) if zero < y[r, c] < one else zero


@_jit
def _softmax_derivative(g, y, c0, c1):
    """g <- y * (g - sum(g * y)) along each row's columns c0:c1 (the sum in float64)."""
    c0, c1 = np.uint64(c0), np.uint64(c1)
    for r in range(g.shape[0]):
        inner = g.dtype.type(_row_dot(g, y, r, c0, c1))
        for c in range(c0, c1):
            g[r, c] = y[r, c] * (g[r, c] - inner)


@_switch
def multiply_by_derivative(g, y, c0, c1, code):
    """g[:, c0:c1] *= act'(z), given the outputs y[:, c0:c1] = act(z) (same layout as g)."""
    if code == RELU:
        _relu_derivative(g, y, c0, c1)
    elif code == SIGMOID:
        _sigmoid_derivative(g, y, c0, c1)
    elif code == TANH:
        _tanh_derivative(g, y, c0, c1)
    elif code == HARD_SIGMOID:
        _hard_sigmoid_derivative(g, y, c0, c1)


# The backward pass of a dense or conv layer with a fused activation, in one sweep over the
# layer's output: dz = dy * act'(z) from y = act(z), written to a new array (dy may be
# shared: a residual branch's gradient), and the bias gradient as dz's column sums, in a
# float64 accumulator (summed also for a layer without bias, and dropped: a test of whether
# to sum made LLVM compile the loop twice, 0.15 instead of 0.12 s in a new process). The
# same numbers as a copy, ``_<act>_derivative`` and ``_add_column_sums`` one after the
# other, which read the output three times: the toy ResNet's 28x28x64 layer, 32 images,
# 652 -> 302 us, its first layer 464 -> 167 us. One loop per activation, of the same shape,
# for the reason the forward loops above are (a loop taking the derivative as an argument
# is not cached by numba).

@_jit
def _relu_backward(dy, y, dz, dbias):
    zero = dy.dtype.type(0)
    for r in range(dy.shape[0]):
        for c in range(np.uint64(dy.shape[1])):
            v = dy[r, c] if y[r, c] > zero else zero
            dz[r, c] = v
            dbias[c] += v


@_jit
def _sigmoid_backward(dy, y, dz, dbias):
    one = dy.dtype.type(1)
    for r in range(dy.shape[0]):
        for c in range(np.uint64(dy.shape[1])):
            v = dy[r, c] * (y[r, c] * (one - y[r, c]))
            dz[r, c] = v
            dbias[c] += v


@_jit
def _tanh_backward(dy, y, dz, dbias):
    one = dy.dtype.type(1)
    for r in range(dy.shape[0]):
        for c in range(np.uint64(dy.shape[1])):
            v = dy[r, c] * (one - y[r, c] * y[r, c])
            dz[r, c] = v
            dbias[c] += v


@_jit
def _hard_sigmoid_backward(dy, y, dz, dbias):
    zero, one = dy.dtype.type(0), dy.dtype.type(1)
    for r in range(dy.shape[0]):
        for c in range(np.uint64(dy.shape[1])):
            v = dy[r, c] * dy.dtype.type(0.2) if zero < y[r, c] < one else zero
            dz[r, c] = v
            dbias[c] += v


@_jit
def _add_column_sums(dz, dbias):
    """dbias += the column sums of dz. dbias is a float64 accumulator: summing tens of
    thousands of float32 rows one after another in float32 would lose digits."""
    for r in range(dz.shape[0]):
        for c in range(dz.shape[1]):
            dbias[c] += dz[r, c]


@_jit
def _linear_backward(dy, y, dz, dbias):
    for r in range(dy.shape[0]):
        for c in range(np.uint64(dy.shape[1])):
            v = dy[r, c]
            dz[r, c] = v
            dbias[c] += v


@_switch
def backward_rows(dy, y, dz, dbias, code):
    """dz = dy * act'(y) and dbias += the column sums of dz, for rows of channels: the
    BACKWARD loop of ``code`` chosen inside numba, for a kernel that does an activation's
    backward pass inside its own loop (winograd.py). Not softmax."""
    if code == RELU:
        _relu_backward(dy, y, dz, dbias)
    elif code == SIGMOID:
        _sigmoid_backward(dy, y, dz, dbias)
    elif code == TANH:
        _tanh_backward(dy, y, dz, dbias)
    elif code == HARD_SIGMOID:
        _hard_sigmoid_backward(dy, y, dz, dbias)
    else:  # linear
        _linear_backward(dy, y, dz, dbias)


# code -> kernel, for callers outside numba (the order of activation_codes.py)
# (softmax only here, not in the recurrent kernels' switches: see activation_codes.py)
ACTIVATE = {LINEAR: _linear_columns, RELU: _relu_columns, SIGMOID: _sigmoid_columns, TANH: _tanh_columns,
            HARD_SIGMOID: _hard_sigmoid_columns, SOFTMAX: _softmax_columns}
DERIVATIVE = {RELU: _relu_derivative, SIGMOID: _sigmoid_derivative, TANH: _tanh_derivative,
              HARD_SIGMOID: _hard_sigmoid_derivative, SOFTMAX: _softmax_derivative}
BACKWARD = {RELU: _relu_backward, SIGMOID: _sigmoid_backward, TANH: _tanh_backward,
            HARD_SIGMOID: _hard_sigmoid_backward}  # softmax and linear: the passes one by one


def _as_rows(a, cols):
    """View a C-contiguous array as a 2-D (rows, cols) matrix without copying."""
    return a.reshape(-1, cols) if a.size else a.reshape(0, cols)


def bias_activation_inplace(y, bias, code):
    """y <- act(y + bias), bias broadcast along the last axis; returns y.

    y must be C-contiguous and writable (it normally comes straight from a GEMM).
    """
    flags = y.flags
    if not flags.c_contiguous or not flags.writeable:
        raise ValueError("bias_activation_inplace needs a C-contiguous writable array")
    if bias is None and code == LINEAR:
        return y
    cols = y.shape[-1] if y.ndim else 1
    bias = np.zeros(cols, y.dtype) if bias is None else np.ascontiguousarray(bias, dtype=y.dtype)
    ACTIVATE[code](y if y.ndim == 2 else _as_rows(y, cols), 0, cols, bias)
    return y


def bias_activation_columns(y, c0, c1, bias, code):
    """y[:, c0:c1] <- act(y[:, c0:c1] + bias[c0:c1]) for y (rows, units), C-contiguous: a
    thread's share of a layer split by columns (dense.py). Elementwise activations only
    (softmax needs whole rows)."""
    if code == SOFTMAX:
        raise ValueError("bias_activation_columns: softmax needs whole rows; use bias_activation_inplace")
    if not y.flags.c_contiguous or not y.flags.writeable or y.ndim != 2:
        raise ValueError("bias_activation_columns needs a C-contiguous writable 2-D array")
    if bias is None and code == LINEAR:
        return
    bias = np.zeros(c1 - c0, y.dtype) if bias is None else np.ascontiguousarray(bias[c0:c1], dtype=y.dtype)
    ACTIVATE[code](y, c0, c1, bias)


def bias_activation_backward(y, dy, code, has_bias):
    """Given y = act(z + bias) and dL/dy, return (dL/dz, dL/dbias or None).

    dbias sums over every axis but the last. For a linear activation dz is normally dy
    itself (not a copy).
    """
    y = np.ascontiguousarray(y)
    dy = np.ascontiguousarray(dy, dtype=y.dtype)
    if code == LINEAR and not has_bias:
        return dy, None
    cols = y.shape[-1] if y.ndim else 1
    # linear: only the bias sums to make (numba compiles the kernel for writable arrays only)
    dz = dy if code == LINEAR and dy.flags.writeable else buffers.empty(dy.shape, dy.dtype)
    y_rows, dy_rows, dz_rows = _as_rows(y, cols), _as_rows(dy, cols), _as_rows(dz, cols)
    parts = batch_parts(len(y_rows), ELEMENT_FLOPS * y.size)  # a large layer: rows split over threads
    sums = [np.zeros(cols if has_bias else 0, np.float64) for _ in parts]

    derivative, backward = DERIVATIVE.get(code), BACKWARD.get(code)  # None for linear

    def part(r0, r1, acc):
        if backward is not None:  # one sweep (see BACKWARD)
            backward(dy_rows[r0:r1], y_rows[r0:r1], dz_rows[r0:r1], acc if has_bias else np.zeros(cols))
            return
        if dz is not dy:
            np.copyto(dz_rows[r0:r1], dy_rows[r0:r1])
        if derivative is not None:
            derivative(dz_rows[r0:r1], y_rows[r0:r1], 0, cols)
        if has_bias:
            _add_column_sums(dz_rows[r0:r1], acc)
    if len(parts) == 1:
        part(0, len(y_rows), sums[0])
    else:
        run_parts(part, [(r0, r1, acc) for (r0, r1), acc in zip(parts, sums)])
    return dz, (sum(sums[1:], sums[0]).astype(y.dtype) if has_bias else None)


def apply_activation_inplace(z, code):
    """z <- act(z) in place; returns z."""
    if code == LINEAR:
        return z
    if z.flags.c_contiguous and z.flags.writeable:
        rows = z.reshape(-1, z.shape[-1]) if z.ndim else z.reshape(1, 1)  # short rows keep the zero bias short
        ACTIVATE[code](rows, 0, rows.shape[1], np.zeros(rows.shape[1], z.dtype))
    else:  # a strided view: work on a copy and write it back
        z[...] = apply_activation_inplace(np.ascontiguousarray(z), code)
    return z


def activation_grad_from_output(y, dy, code):
    """dL/dz from y = act(z) and dL/dy (for linear this returns dy itself)."""
    return bias_activation_backward(y, dy, code, False)[0]
