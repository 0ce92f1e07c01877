"""The NumPy-like operations of ``keras.ops`` that ``core.py`` does not define.

Keras 3 offers most of NumPy's array API under ``keras.ops`` so that one piece of model code
runs on every backend. Here each operation is, as in ``core.py``, a numpy forward that returns
``(value, backward)``, run through ``core.apply``: eager on arrays and Tensors, recorded on the
tape when a gradient is wanted, and symbolic on KerasTensors (the output shape comes from an
explicit rule, or from ``apply``'s two probe runs). Operations that are compositions of other
operations (``var`` is a mean of squares) are written as such: their gradient and their shape
rule come with the parts.

Dtypes follow Keras rather than NumPy where the two differ: Python integers become int32,
float functions of integer tensors give floatx, and indices (``argsort``) are int32.

The sections: 1. creating arrays, 2. elementwise functions, 3. logic and tests,
4. reductions and scans, 5. ordering, 6. rearranging, 7. products, 8. more elementwise
functions, 9. more creating and rearranging, 10. complex numbers as pairs of reals,
11. einops-style rearranging.
"""
import builtins
import string

import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from . import core
from .core import _axes, _reduce_grad, _unary_rule, apply, unbroadcast
from .tensor import Tensor
from .tensor import convert_to_tensor as _wrap   # the plain wrapper; ours adds Keras's dtypes


def _is_tensor(x):
    return isinstance(x, (Tensor, KerasTensor))


def _python_dtype(value):
    """Keras's dtype for Python data: int32 for integers, floatx for floats, bool for bools."""
    kind = np.asarray(value).dtype.kind
    return {"b": "bool", "i": "int32", "u": "int32", "f": backend.floatx()}.get(kind)


def _check_dtype(dtype, name):
    try:
        return backend.standardize_dtype(dtype)
    except TypeError as error:
        raise TypeError(f"ops.{name}: `dtype` must be a dtype name such as 'float32', "
                        f"received dtype={dtype!r}.") from error


# ============================================================================ 1. creating arrays

def array(x, dtype=None):
    """A Tensor holding ``x`` (Keras's ``ops.array``: the same as ``convert_to_tensor``)."""
    return convert_to_tensor(x, dtype=dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a Tensor. Python lists and numbers take Keras's dtypes (int32 for integers,
    floatx for floats); a Tensor or KerasTensor passes through (cast if ``dtype`` is given)."""
    if sparse or ragged:
        raise ValueError("ops.convert_to_tensor: minikeras has only dense tensors; "
                         f"received sparse={sparse!r}, ragged={ragged!r}.")
    if dtype is not None:
        dtype = _check_dtype(dtype, "convert_to_tensor")
    if isinstance(x, KerasTensor):
        return x if dtype is None or dtype == x.dtype else core.cast(x, dtype)
    if dtype is None and not isinstance(x, (Tensor, np.ndarray, np.generic)):
        dtype = _python_dtype(x)
    return _wrap(x, dtype=dtype)


def convert_to_numpy(x):
    """The numbers of ``x`` as a numpy array (a symbolic tensor has none)."""
    if isinstance(x, KerasTensor):
        raise TypeError(f"ops.convert_to_numpy: a symbolic tensor (shape {x.shape}) has no values "
                        "while a model is being defined; call the model on data first.")
    return np.array(x.value if isinstance(x, Tensor) else x)


def is_tensor(x):
    """True for a minikeras Tensor (or Variable), as Keras's is True for its backend's tensors."""
    return isinstance(x, Tensor)


def dtype(x):
    """The dtype name of ``x`` ('float32', 'int32', ...)."""
    if isinstance(x, (Tensor, KerasTensor)):
        return x.dtype
    return backend.standardize_dtype(np.asarray(x).dtype)


def size(x):
    """Number of elements of ``x``."""
    if isinstance(x, KerasTensor):
        if None in x.shape:
            raise ValueError(f"ops.size: the shape {x.shape} has an unknown dimension.")
        return int(np.prod(x.shape))
    return Tensor(np.asarray(np.size(x.value if isinstance(x, Tensor) else x), dtype="int32"))


def ndim(x):
    """Number of axes of ``x``."""
    return len(x.shape) if _is_tensor(x) else np.ndim(x)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop); int32 when every bound is an integer."""
    if step == 0:
        raise ValueError("ops.arange: `step` must not be 0.")
    if dtype is None:
        bounds = [v for v in (start, stop, step) if v is not None]
        dtype = "int32" if builtins.all(np.asarray(v).dtype.kind in "iu" for v in bounds) else backend.floatx()
    dtype = _check_dtype(dtype, "arange")
    if stop is None:
        start, stop = 0, start
    return Tensor(np.arange(start, stop, step).astype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from start to stop (floatx unless ``dtype`` says)."""
    if int(num) < 0:
        raise ValueError(f"ops.linspace: `num` must be at least 0, received num={num}.")
    dtype = _check_dtype(dtype, "linspace")
    values, step = np.linspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint,
                               retstep=True, axis=axis)
    out = Tensor(values.astype(dtype))
    return (out, Tensor(np.asarray(step, dtype=dtype))) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop)``."""
    dtype = _check_dtype(dtype, "logspace")
    return Tensor(np.logspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint, base=base,
                              axis=axis).astype(dtype))


def _shape_tuple(shape, name):
    shape = (shape,) if np.ndim(shape) == 0 else tuple(shape)
    if not builtins.all(isinstance(d, (int, np.integer)) and d >= 0 for d in shape):
        raise ValueError(f"ops.{name}: `shape` must hold non-negative integers, received shape={shape}.")
    return tuple(int(d) for d in shape)


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value`` (floatx unless ``dtype`` says)."""
    dtype = _check_dtype(dtype, "full")
    value = fill_value.value if isinstance(fill_value, Tensor) else fill_value
    return Tensor(np.full(_shape_tuple(shape, "full"), value, dtype=dtype))


def full_like(x, fill_value, dtype=None):
    """An array shaped like ``x`` filled with ``fill_value`` (``x``'s dtype unless ``dtype`` says)."""
    if dtype is not None:
        dtype = _check_dtype(dtype, "full_like")
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, dtype or x.dtype)
    x = core.convert_to_tensor(x)
    return Tensor(np.full(x.shape, fill_value, dtype=dtype or x.dtype))


def empty(shape, dtype=None):
    """An array of ``shape`` whose values are whatever the memory held (fast to make)."""
    return Tensor(np.empty(_shape_tuple(shape, "empty"), dtype=_check_dtype(dtype, "empty")))


def empty_like(x, dtype=None):
    """``empty`` with the shape (and dtype, unless given) of ``x``."""
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, dtype or x.dtype)
    x = core.convert_to_tensor(x)
    return Tensor(np.empty(x.shape, dtype=_check_dtype(dtype or x.dtype, "empty_like")))


def eye(N, M=None, k=0, dtype=None):
    """An N x M matrix with ones on the k-th diagonal."""
    return Tensor(np.eye(int(N), None if M is None else int(M), int(k), dtype=_check_dtype(dtype, "eye")))


def identity(n, dtype=None):
    """The n x n identity matrix."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the k-th diagonal of an N x M matrix."""
    return Tensor(np.tri(int(N), None if M is None else int(M), int(k), dtype=_check_dtype(dtype, "tri")))


def _band(keep):
    """``tril``/``triu``: keep a triangle of the last two axes; the gradient keeps the same cells."""
    def op(x, k=0):
        def forward(x):
            if x.ndim < 2:
                raise ValueError(f"ops.{keep.__name__}: needs at least 2 axes, received shape {x.shape}.")
            mask = keep(np.ones(x.shape[-2:], dtype=bool), int(k))
            return np.where(mask, x, x.dtype.type(0)), lambda g: (np.where(mask, g, 0).astype(g.dtype),)
        return apply(forward, x, shape_rule=_unary_rule)
    op.__name__ = keep.__name__
    op.__doc__ = f"The {'lower' if keep is np.tril else 'upper'} triangle of ``x``'s last two axes " \
                 "(the k-th diagonal included); the other cells become 0."
    return op


tril = _band(np.tril)
triu = _band(np.triu)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D arrays, as numpy's ``meshgrid``."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"ops.meshgrid: `indexing` must be 'xy' or 'ij', received {indexing!r}.")
    arrays = [core.convert_to_tensor(v).value for v in x]
    return [Tensor(g.copy()) for g in np.meshgrid(*arrays, indexing=indexing)]


def copy(x):
    """A new array with the values of ``x`` (gradients pass through)."""
    return apply(lambda x: (x.copy(), lambda g: (g,)), x, shape_rule=_unary_rule)


# ============================================================================ 2. elementwise functions

def _float_unary(name, fn, derivative=None, doc=""):
    """A float function of one tensor. Integer inputs are first converted to floatx, as Keras does.
    ``derivative(x, y)`` gives dy/dx; without it no gradient flows (piecewise-constant functions)."""
    def forward(x):
        integer = x.dtype.kind in "biu"
        if integer:
            x = x.astype(backend.floatx())
        y = np.asarray(fn(x)).astype(x.dtype, copy=False)
        if derivative is None or integer:
            return y, lambda g: (None,)
        return y, lambda g: ((g * derivative(x, y)).astype(g.dtype, copy=False),)

    def op(x):
        if isinstance(x, KerasTensor):
            return KerasTensor(x.shape, backend.floatx() if x.dtype in _NON_FLOAT else x.dtype)
        return apply(forward, x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"Elementwise {name} of x."
    return op


_NON_FLOAT = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}

expm1 = _float_unary("expm1", np.expm1, lambda x, y: y + 1, "exp(x) - 1, accurate for small x.")
exp2 = _float_unary("exp2", np.exp2, lambda x, y: y * np.log(2).astype(x.dtype), "2 ** x.")
log2 = _float_unary("log2", np.log2, lambda x, y: 1 / (x * np.log(2).astype(x.dtype)), "Base-2 logarithm.")
log10 = _float_unary("log10", np.log10, lambda x, y: 1 / (x * np.log(10).astype(x.dtype)),
                     "Base-10 logarithm.")
reciprocal = _float_unary("reciprocal", lambda x: 1 / x, lambda x, y: -y * y, "1 / x.")
tan = _float_unary("tan", np.tan, lambda x, y: 1 + y * y)
sinh = _float_unary("sinh", np.sinh, lambda x, y: np.cosh(x))
cosh = _float_unary("cosh", np.cosh, lambda x, y: np.sinh(x))
arcsin = _float_unary("arcsin", np.arcsin, lambda x, y: 1 / np.sqrt(1 - x * x))
arccos = _float_unary("arccos", np.arccos, lambda x, y: -1 / np.sqrt(1 - x * x))
arctan = _float_unary("arctan", np.arctan, lambda x, y: 1 / (1 + x * x))
arcsinh = _float_unary("arcsinh", np.arcsinh, lambda x, y: 1 / np.sqrt(x * x + 1))
arccosh = _float_unary("arccosh", np.arccosh, lambda x, y: 1 / np.sqrt(x * x - 1))
arctanh = _float_unary("arctanh", np.arctanh, lambda x, y: 1 / (1 - x * x))
cbrt = _float_unary("cbrt", np.cbrt, lambda x, y: 1 / (3 * y * y), "Cube root.")
deg2rad = _float_unary("deg2rad", np.deg2rad, lambda x, y: np.deg2rad(np.ones_like(x)))
rad2deg = _float_unary("rad2deg", np.rad2deg, lambda x, y: np.rad2deg(np.ones_like(x)))
floor = _float_unary("floor", np.floor, doc="Largest integer <= x (no gradient flows: the steps are flat).")
ceil = _float_unary("ceil", np.ceil, doc="Smallest integer >= x (no gradient flows).")
trunc = _float_unary("trunc", np.trunc, doc="x rounded towards 0 (no gradient flows).")


def absolute(x):
    """|x| (the same as ``ops.abs``)."""
    return core.abs(x)


fabs = absolute


def round(x, decimals=0):
    """x rounded to ``decimals`` decimals, halves to even as numpy does (no gradient flows)."""
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, x.dtype)
    return apply(lambda x: (np.round(x, decimals), lambda g: (None,)), x)


def _binary(name, fn, backward=None, doc=""):
    """An elementwise function of two broadcastable tensors; ``backward(a, b, y, g)`` gives
    (d/da, d/db) before unbroadcasting, or there is no gradient."""
    def forward(a, b):
        y = fn(a, b)

        def grads(g):
            if backward is None:
                return None, None
            ga, gb = backward(a, b, y, g)
            return (None if ga is None else unbroadcast(ga, a.shape),
                    None if gb is None else unbroadcast(gb, np.shape(b)))
        return y, grads

    def op(x1, x2):
        return apply(forward, x1, x2)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"Elementwise {name} of x1 and x2, with broadcasting."
    return op


def _floats(fn):
    """Run ``fn`` on floats: integer inputs go to floatx first (Keras's promotion for arctan2 & co)."""
    def wrapped(a, b):
        if a.dtype.kind in "biu" and b.dtype.kind in "biu":
            a, b = a.astype(backend.floatx()), b.astype(backend.floatx())
        return fn(a, b)
    return wrapped


mod = _binary("mod", np.mod, lambda a, b, y, g: (g, -g * np.floor_divide(a, b)),
              "x1 modulo x2, with the sign of x2 (Python's %).")
floor_divide = _binary("floor_divide", np.floor_divide, doc="floor(x1 / x2) (no gradient flows).")
arctan2 = _binary("arctan2", _floats(np.arctan2),
                  lambda a, b, y, g: (g * b / (a * a + b * b), -g * a / (a * a + b * b)),
                  "The angle of the point (x2, x1), in (-pi, pi].")
hypot = _binary("hypot", _floats(np.hypot), lambda a, b, y, g: (g * a / y, g * b / y), "sqrt(x1**2 + x2**2).")
logaddexp = _binary("logaddexp", _floats(np.logaddexp),
                    lambda a, b, y, g: (g * np.exp(a - y), g * np.exp(b - y)), "log(exp(x1) + exp(x2)), stably.")
heaviside = _binary("heaviside", np.heaviside, doc="0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0.")


def true_divide(x1, x2):
    """x1 / x2 (the same as ``ops.divide``)."""
    return core.divide(x1, x2)


def divide_no_nan(x1, x2):
    """x1 / x2, but 0 wherever x2 is 0 (and no gradient flows through those cells)."""
    def forward(a, b):
        zero = b == 0
        safe = np.where(zero, 1, b).astype(np.result_type(a, b))
        y = np.where(zero, 0, a / safe)
        return y, lambda g: (unbroadcast(np.where(zero, 0, g / safe), a.shape),
                             unbroadcast(np.where(zero, 0, -g * a / (safe * safe)), b.shape))
    return apply(forward, x1, x2)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN becomes ``nan`` and infinities the largest finite values (or ``posinf``/``neginf``);
    the gradient flows through the cells that were finite."""
    def forward(x):
        finite = np.isfinite(x)
        y = np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
        return y, lambda g: (np.where(finite, g, 0).astype(g.dtype),)
    return apply(forward, x, shape_rule=_unary_rule)


# ============================================================================ 3. logic and tests

def _predicate(name, fn, doc, arity=None):
    """A test of each value (of one tensor x, or of two, x1 and x2): bool output, no gradient.
    ``arity`` is the number of inputs (a numpy ufunc's own by default)."""
    def run(*xs):
        if builtins.any(isinstance(x, KerasTensor) for x in xs):
            shapes = [x.shape if _is_tensor(x) else np.shape(x) for x in xs]
            return KerasTensor(core.broadcast_shapes(*shapes), "bool")
        return apply(lambda *arrays: (np.asarray(fn(*arrays), dtype=bool), lambda g: (None,) * len(arrays)), *xs)

    params = ("x",) if (arity or getattr(fn, "nin", 1)) == 1 else ("x1", "x2")
    return core.named_op(run, params, name, doc)


isnan = _predicate("isnan", np.isnan, "True where x is NaN.")
isinf = _predicate("isinf", np.isinf, "True where x is +inf or -inf.")
isfinite = _predicate("isfinite", np.isfinite, "True where x is neither NaN nor infinite.")
isneginf = _predicate("isneginf", np.isneginf, "True where x is -inf.")
isposinf = _predicate("isposinf", np.isposinf, "True where x is +inf.")
signbit = _predicate("signbit", np.signbit, "True where the sign bit of x is set (x < 0, or -0.0).")
logical_not = _predicate("logical_not", np.logical_not, "Elementwise NOT of the truth values of x.")
logical_and = _predicate("logical_and", np.logical_and, "Elementwise AND of the truth values of x1 and x2.")
logical_or = _predicate("logical_or", np.logical_or, "Elementwise OR of the truth values of x1 and x2.")
logical_xor = _predicate("logical_xor", np.logical_xor, "Elementwise XOR of the truth values of x1 and x2.")


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True where |x1 - x2| <= atol + rtol * |x2|."""
    return _predicate("isclose", lambda a, b: np.isclose(a, b, rtol, atol, equal_nan), "", arity=2)(x1, x2)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True (a bool scalar) when ``isclose`` holds everywhere."""
    return core.all(isclose(x1, x2, rtol, atol, equal_nan))


def isin(x1, x2, assume_unique=False, invert=False):
    """True where a value of x1 occurs anywhere in x2."""
    if isinstance(x1, KerasTensor):
        return KerasTensor(x1.shape, "bool")
    return apply(lambda a, b: (np.isin(a, b, assume_unique=assume_unique, invert=invert),
                               lambda g: (None, None)), x1, x2)


# ============================================================================ 4. reductions and scans

def prod(x, axis=None, keepdims=False, dtype=None):
    """Product of the values along ``axis`` (all by default).

    The gradient of a product with respect to one factor is the product of the others; it is
    computed without dividing by the factor, so zeros are handled exactly.
    """
    def forward(x):
        if dtype is not None:
            x = x.astype(_check_dtype(dtype, "prod"))
        axes = _axes(axis, x.ndim)
        y = np.prod(x, axis=axes, keepdims=True).astype(x.dtype, copy=False)   # numpy widens int32

        def backward(g):
            g = _reduce_grad(g, x.shape, axes, keepdims)
            return (g * _product_of_others(x, axes),)
        return (y if keepdims else np.squeeze(y, axis=axes)), backward
    return apply(forward, x)


def _product_of_others(x, axes):
    """For every cell, the product of the other cells of its reduced group."""
    moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0)))
    flat = moved.reshape(moved.shape[:moved.ndim - len(axes)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (before * after).reshape(moved.shape)
    return np.moveaxis(others, tuple(range(-len(axes), 0)), axes)


def var(x, axis=None, keepdims=False):
    """Variance (the biased mean of squared deviations) along ``axis``."""
    x = _as_float(x)
    deviation = core.subtract(x, core.stop_gradient(core.mean(x, axis=axis, keepdims=True)))
    # The mean's own gradient contribution is zero (deviations sum to zero): stopping it is exact.
    return core.mean(core.square(deviation), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation: sqrt of ``var``."""
    return core.sqrt(var(x, axis=axis, keepdims=keepdims))


def _as_float(x):
    """Integer data averaged or scaled becomes floatx, as in Keras."""
    if _is_tensor(x):
        return core.cast(x, backend.floatx()) if x.dtype in _NON_FLOAT else x
    x = core.convert_to_tensor(x)
    return core.cast(x, backend.floatx()) if x.dtype in _NON_FLOAT else x


def amax(x, axis=None, keepdims=False):
    """Largest value along ``axis`` (the same as ``ops.max``)."""
    return core.max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    """Smallest value along ``axis`` (the same as ``ops.min``)."""
    return core.min(x, axis=axis, keepdims=keepdims)


def average(x, axis=None, weights=None):
    """Mean along ``axis``, weighted by ``weights`` (same shape as x, or 1-D along ``axis``)."""
    x = _as_float(x)
    if weights is None:
        return core.mean(x, axis=axis)
    weights = _as_float(weights)
    if len(weights.shape) == 1 and len(x.shape) > 1:
        if axis is None or np.ndim(axis) != 0:
            raise ValueError("ops.average: 1-D weights need an integer `axis`; received "
                             f"axis={axis!r} for x of shape {x.shape}.")
        shape = [1] * len(x.shape)
        shape[axis % len(x.shape)] = weights.shape[0]
        weights = core.reshape(weights, shape)
    return core.divide(core.sum(core.multiply(x, weights), axis=axis), core.sum(
        core.multiply(core.ones_like(x), weights), axis=axis))


def count_nonzero(x, axis=None):
    """How many values along ``axis`` are not zero (int32)."""
    def forward(x):
        return np.count_nonzero(x, axis=None if axis is None else _axes(axis, x.ndim)).astype("int32"), \
            lambda g: (None,)
    return apply(forward, x)


def _scan(name, numpy_scan, backward_of):
    def op(x, axis=None, dtype=None):
        def forward(x):
            if dtype is not None:
                x = x.astype(_check_dtype(dtype, name))
            flat = axis is None
            data = x.reshape(-1) if flat else x
            ax = 0 if flat else axis % x.ndim
            y = numpy_scan(data, axis=ax).astype(x.dtype, copy=False)
            return y, lambda g: (backward_of(data, y, g, ax).reshape(x.shape),)
        return apply(forward, x)
    return op


def _cumsum_backward(x, y, g, axis):
    # y_j = sum_{i<=j} x_i, so dL/dx_i = sum_{j>=i} g_j: a cumulative sum from the end
    return np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)


def _cumprod_backward(x, y, g, axis):
    """dL/dx_i = sum_{j>=i} g_j * prod_{k<=j, k!=i} x_k. Without zeros that is
    (reverse cumsum of g*y) / x_i; with zeros, each position is recomputed with x_i set to 1."""
    if np.all(x != 0):
        return _cumsum_backward(x, y, g * y, axis) / x
    moved_x, moved_g = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    grad = np.empty_like(moved_x)
    for i in range(moved_x.shape[-1]):
        without = moved_x.copy()
        without[..., i] = 1
        products = np.cumprod(without, axis=-1)
        grad[..., i] = (moved_g[..., i:] * products[..., i:]).sum(axis=-1)
    return np.moveaxis(grad, -1, axis)


cumsum = _scan("cumsum", np.cumsum, _cumsum_backward)
cumsum.__name__ = "cumsum"
cumsum.__doc__ = "Running sum along ``axis`` (of the flattened array when axis is None)."
cumprod = _scan("cumprod", np.cumprod, _cumprod_backward)
cumprod.__name__ = "cumprod"
cumprod.__doc__ = "Running product along ``axis`` (of the flattened array when axis is None)."


def diff(a, n=1, axis=-1):
    """The n-th difference along ``axis``: a[1:] - a[:-1], n times."""
    if int(n) < 0:
        raise ValueError(f"ops.diff: `n` must be at least 0, received n={n}.")
    for _ in range(int(n)):
        ndim_a = len(a.shape) if _is_tensor(a) else np.ndim(a)
        upper = [builtins.slice(None)] * ndim_a
        lower = [builtins.slice(None)] * ndim_a
        upper[axis], lower[axis] = builtins.slice(1, None), builtins.slice(None, -1)
        a = core.subtract(core.getitem(a, tuple(upper)), core.getitem(a, tuple(lower)))
    return a


# ============================================================================ 5. ordering

def sort(x, axis=-1):
    """The values sorted ascending along ``axis``; the gradient returns to where each came from."""
    def forward(x):
        order = np.argsort(x, axis=axis, kind="stable")
        return np.take_along_axis(x, order, axis=axis), lambda g: (_scatter_along(g, order, axis, x.shape),)
    return apply(forward, x, shape_rule=_unary_rule)


def _scatter_along(g, indices, axis, shape):
    """The gradient of ``take_along_axis``: add each g back at the index it was taken from."""
    full = np.zeros(shape, dtype=g.dtype)
    axis = axis % len(shape)
    grid = list(np.indices(indices.shape, sparse=True))
    grid[axis] = indices
    np.add.at(full, tuple(grid), g)
    return full


def argsort(x, axis=-1):
    """The indices (int32) that sort ``x`` along ``axis``."""
    return apply(lambda x: (np.argsort(x, axis=axis, kind="stable").astype("int32"), lambda g: (None,)), x)


def take_along_axis(x, indices, axis=None):
    """``x`` read at ``indices`` along ``axis`` (the flattened array when None), as numpy's;
    the gradient adds back at the indices read (repeated ones add up)."""
    def forward(x, idx):
        if idx.dtype.kind not in "iu":
            raise TypeError(f"ops.take_along_axis: indices must be integers, received dtype {idx.dtype}.")
        data, ax = (x.reshape(-1), 0) if axis is None else (x, axis)
        if idx.ndim != data.ndim:
            raise ValueError(f"ops.take_along_axis: indices need as many axes as x ({data.ndim}); received "
                             f"indices of shape {idx.shape} for x of shape {data.shape}.")
        shape = np.broadcast_shapes(tuple(1 if a == ax % data.ndim else n for a, n in enumerate(idx.shape)),
                                    tuple(1 if a == ax % data.ndim else n for a, n in enumerate(data.shape)))
        target = list(shape)
        target[ax % data.ndim] = idx.shape[ax % data.ndim]
        idx = np.broadcast_to(np.where(idx < 0, idx + data.shape[ax], idx), tuple(target))
        source = list(shape)
        source[ax % data.ndim] = data.shape[ax % data.ndim]
        data_b = np.broadcast_to(data, tuple(source))
        y = np.take_along_axis(data_b, idx, axis=ax)
        return y, lambda g: (unbroadcast(_scatter_along(g, idx, ax, data_b.shape), data.shape).reshape(x.shape),
                             None)
    return apply(forward, x, indices)


# ============================================================================ 6. rearranging

def ravel(x):
    """``x`` as one axis."""
    return core.reshape(x, (-1,))


def moveaxis(x, source, destination):
    """Move the axes ``source`` to the positions ``destination``; the rest keep their order."""
    def forward(x):
        return np.moveaxis(x, source, destination), lambda g: (np.moveaxis(g, destination, source),)
    return apply(forward, x)


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    return apply(lambda x: (np.swapaxes(x, axis1, axis2), lambda g: (np.swapaxes(g, axis1, axis2),)), x)


def roll(x, shift, axis=None):
    """Shift values along ``axis`` cyclically (of the flattened array when axis is None)."""
    def forward(x):
        back = tuple(-s for s in shift) if np.ndim(shift) else -shift
        return np.roll(x, shift, axis), lambda g: (np.roll(g, back, axis),)
    return apply(forward, x, shape_rule=_unary_rule)


def fliplr(x):
    """Reverse the second axis."""
    return core.flip(x, 1)


def flipud(x):
    """Reverse the first axis."""
    return core.flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees k times in the plane of ``axes``."""
    return apply(lambda x: (np.rot90(x, k, axes), lambda g: (np.rot90(g, -k, axes),)), array)


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    n = x.shape[axis]
    if n is None:
        raise ValueError(f"ops.unstack: the size of axis {axis} of shape {x.shape} must be known.")
    if num is not None and num != n:
        raise ValueError(f"ops.unstack: num={num} does not match the size {n} of axis {axis}.")
    index = [builtins.slice(None)] * len(x.shape)
    parts = []
    for i in range(n):
        index[axis] = i
        parts.append(core.getitem(x, tuple(index)))
    return parts


def hstack(xs):
    """Join along the second axis (the first for 1-D arrays)."""
    return core.concatenate(xs, axis=0 if len(xs[0].shape if _is_tensor(xs[0]) else np.shape(xs[0])) == 1 else 1)


def vstack(xs):
    """Join along the first axis (1-D arrays become rows)."""
    rows = [core.reshape(x, (1, -1)) if len(x.shape if _is_tensor(x) else np.shape(x)) == 1 else x for x in xs]
    return core.concatenate(rows, axis=0)


def append(x1, x2, axis=None):
    """x2 after x1 along ``axis`` (both flattened when axis is None)."""
    if axis is None:
        return core.concatenate([ravel(x1), ravel(x2)], axis=0)
    return core.concatenate([x1, x2], axis=axis)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the plane (axis1, axis2), as a new last axis."""
    def forward(x):
        def backward(g):
            full = np.zeros_like(x)
            _add_offset_diagonal(full, g, offset, axis1, axis2)
            return (full,)
        return np.diagonal(x, offset, axis1, axis2).copy(), backward
    return apply(forward, x)


def _add_offset_diagonal(full, g, offset, axis1, axis2):
    moved = np.moveaxis(full, (axis1, axis2), (-2, -1))
    n = g.shape[-1]
    rows = np.arange(n) + builtins.max(-offset, 0)
    cols = np.arange(n) + builtins.max(offset, 0)
    moved[..., rows, cols] += g


def diag(x, k=0):
    """For a vector, the square matrix with it on the k-th diagonal; for a matrix, that diagonal."""
    def forward(x):
        if x.ndim not in (1, 2):
            raise ValueError(f"ops.diag: x must have 1 or 2 axes, received shape {x.shape}.")
        y = np.diag(x, k).copy()
        if x.ndim == 1:
            return y, lambda g: (np.diag(g, k).copy(),)
        return y, lambda g: (_diag_grad(g, x.shape, k),)
    return apply(forward, x)


def _diag_grad(g, shape, k):
    full = np.zeros(shape, dtype=g.dtype)
    _add_offset_diagonal(full, g, k, 0, 1)
    return full


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal of the plane (axis1, axis2)."""
    return core.sum(diagonal(x, offset, axis1, axis2), axis=-1)


# ============================================================================ 7. products

def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (the last ``axes`` of x1 with the first of x2, or two lists)."""
    def forward(a, b):
        if np.ndim(axes) == 0:
            n = int(axes)
            a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
        else:
            a_axes, b_axes = [[v % nd for v in np.atleast_1d(ax)] for ax, nd in zip(axes, (a.ndim, b.ndim))]
        y = np.tensordot(a, b, (a_axes, b_axes))
        a_free = [i for i in range(a.ndim) if i not in a_axes]
        b_free = [i for i in range(b.ndim) if i not in b_axes]

        def backward(g):
            g_a_part = list(range(len(a_free)))
            g_b_part = list(range(len(a_free), g.ndim))
            # tensordot keeps the uncontracted axes in their own order: name each result axis
            ga = np.tensordot(g, b, (g_b_part, b_free))
            ga_axes = a_free + [a_axes[b_axes.index(j)] for j in sorted(b_axes)]
            gb = np.tensordot(a, g, (a_free, g_a_part))
            gb_axes = [b_axes[a_axes.index(i)] for i in sorted(a_axes)] + b_free
            ga, gb = np.transpose(ga, np.argsort(ga_axes)), np.transpose(gb, np.argsort(gb_axes))
            return ga, gb
        return y, backward
    return apply(forward, x1, x2)


def outer(x1, x2):
    """Every product x1[i] * x2[j] of the flattened inputs."""
    return core.multiply(core.reshape(ravel(x1), (-1, 1)), core.reshape(ravel(x2), (1, -1)))


def inner(x1, x2):
    """Sum of products over the last axes (a scalar times x when one input is a scalar)."""
    if ndim(x1) == 0 or ndim(x2) == 0:
        return core.multiply(x1, x2)
    return tensordot(x1, x2, axes=[[-1], [-1]])


def vdot(x1, x2):
    """Sum of products of the flattened inputs."""
    return core.sum(core.multiply(ravel(x1), ravel(x2)))


def einsum(subscripts, *operands):
    """Einstein summation, as numpy's ``einsum``.

    The gradient with respect to one operand is again an einsum: of the output gradient with
    the other operands, into that operand's subscripts. Three details make that exact:
    1. '...' is spelled out with unused letters, so every axis has a name;
    2. letters only the operand has (summed away) are brought back by multiplying with ones,
       and axes broadcast from size 1 are summed back to 1;
    3. a repeated letter ('ii') writes into the diagonal through einsum's writeable view.
    """
    if not isinstance(subscripts, str):
        raise TypeError(f"ops.einsum: the first argument must be the subscripts string, "
                        f"received {type(subscripts).__name__}.")

    def forward(*arrays):
        inputs, output = _explicit_subscripts(subscripts, [a.ndim for a in arrays])
        y = np.einsum(f"{','.join(inputs)}->{output}", *arrays)
        sizes = {}
        for sub, a in zip(inputs, arrays):
            for letter, n in zip(sub, a.shape):
                sizes[letter] = builtins.max(sizes.get(letter, 1), n)

        def backward(g):
            return tuple(_einsum_grad(i, inputs, output, arrays, g, sizes) for i in range(len(arrays)))
        return y, backward
    return apply(forward, *operands)


def _explicit_subscripts(subscripts, ndims):
    """Input and output subscripts with '...' replaced by letters and the output made explicit."""
    spec = subscripts.replace(" ", "")
    inputs, _, output = spec.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(ndims):
        raise ValueError(f"ops.einsum: the subscripts {subscripts!r} name {len(inputs)} operands, "
                         f"received {len(ndims)}.")
    unused = [c for c in string.ascii_letters if c not in spec]
    ell = builtins.max([nd - len(s.replace("...", "")) for s, nd in zip(inputs, ndims) if "..." in s],
                       default=0)
    ell_letters = "".join(unused[:ell])
    expanded = []
    for s, nd in zip(inputs, ndims):
        if "..." in s:
            k = nd - len(s.replace("...", ""))
            s = s.replace("...", ell_letters[ell - k:] if k else "")
        if len(s) != nd:
            raise ValueError(f"ops.einsum: subscripts {s!r} do not match an operand with {nd} axes.")
        expanded.append(s)
    if "->" not in spec:
        counts = {c: "".join(expanded).count(c) for c in "".join(expanded)}
        output = ell_letters + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell_letters))
    else:
        output = output.replace("...", ell_letters)
    return expanded, output


def _einsum_grad(i, inputs, output, arrays, g, sizes):
    target = inputs[i]
    unique = "".join(dict.fromkeys(target))
    others = [(s, a) for j, (s, a) in enumerate(zip(inputs, arrays)) if j != i]
    present = set(output) | set("".join(s for s, _ in others))
    extra = [c for c in unique if c not in present]
    subs = [output] + [s for s, _ in others] + extra
    ops_ = [g] + [a for _, a in others] + [np.ones(sizes[c], dtype=g.dtype) for c in extra]
    grad = np.einsum(f"{','.join(subs)}->{unique}", *ops_)
    # sum back over axes the operand broadcast from size 1
    shape_by_letter = dict(zip(target, arrays[i].shape))
    for axis, c in enumerate(unique):
        if shape_by_letter[c] == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    if unique == target:
        return grad
    full = np.zeros(arrays[i].shape, dtype=g.dtype)
    np.einsum(f"{target}->{unique}", full)[...] = grad
    return full


# ============================================================================ 8. more elementwise functions

fmax = _binary("fmax", np.fmax, lambda a, b, y, g: (g * ((a >= b) | np.isnan(b)), g * ~((a >= b) | np.isnan(b))),
               "Elementwise maximum that ignores a NaN when the other value is a number.")
fmin = _binary("fmin", np.fmin, lambda a, b, y, g: (g * ((a <= b) | np.isnan(b)), g * ~((a <= b) | np.isnan(b))),
               "Elementwise minimum that ignores a NaN when the other value is a number.")
fmod = _binary("fmod", np.fmod, lambda a, b, y, g: (g, -g * np.trunc(a / b)),
               "Remainder of x1 / x2 with the sign of x1 (C's fmod).")
logaddexp2 = _binary("logaddexp2", _floats(np.logaddexp2),
                     lambda a, b, y, g: (g * np.exp2(a - y), g * np.exp2(b - y)), "log2(2**x1 + 2**x2), stably.")


def ldexp(x1, x2):
    """x1 * 2**x2, with integer exponents x2."""
    def forward(m, e):
        if e.dtype.kind not in "iu":
            raise TypeError(f"ops.ldexp: the exponents x2 must be integers, received dtype {e.dtype}.")
        m = m.astype(backend.floatx()) if m.dtype.kind in "biu" else m
        scale = np.ldexp(np.ones((), m.dtype), e)
        return m * scale, lambda g: (unbroadcast(g * scale, m.shape), None)
    return apply(forward, x1, x2)


def _sinc_derivative(x, y):
    safe = np.where(x == 0, 1, x)
    return np.where(x == 0, 0, (np.cos(np.pi * x) - y) / safe)


sinc = _float_unary("sinc", np.sinc, _sinc_derivative, "sin(pi x) / (pi x), 1 at x = 0.")


def saturate_cast(x, dtype):
    """Cast to ``dtype``, first clipping the values into its range (no wrap-around)."""
    dtype = _check_dtype(dtype, "saturate_cast")
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else np.finfo(dtype)
    source = x.dtype if _is_tensor(x) else np.asarray(x).dtype
    if np.dtype(source).kind == "f":
        low, high = max(float(info.min), float(np.finfo(source).min)), min(float(info.max), float(np.finfo(source).max))
        x = core.clip(x, low, high)
    return core.cast(x, dtype)


def real(x):
    """The real part (x itself for real x; the gradient flows for real inputs)."""
    return apply(lambda x: (np.real(x).copy(), lambda g: (g if x.dtype.kind != "c" else None,)), x)


def imag(x):
    """The imaginary part (zeros for real x; no gradient)."""
    return apply(lambda x: (np.imag(x).copy(), lambda g: (None,)), x)


def conj(x):
    """The complex conjugate (x itself for real x; the gradient flows for real inputs)."""
    return apply(lambda x: (np.conj(x), lambda g: (g if x.dtype.kind != "c" else None,)), x)


conjugate = conj


def angle(x):
    """The argument of complex x (0 or pi for real x; no gradient, it changes in steps there)."""
    def forward(x):
        source = x.astype(backend.floatx()) if x.dtype.kind in "biu" else x
        return np.angle(source), lambda g: (None,)
    return apply(forward, x)


def isreal(x):
    """True where the imaginary part is 0."""
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, "bool")
    return apply(lambda x: (np.isreal(x), lambda g: (None,)), x)


# ============================================================================ 9. more creating and rearranging

def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values from start to stop spaced evenly on a log scale."""
    dtype = _check_dtype(dtype, "geomspace")
    return Tensor(np.geomspace(np.asarray(start), np.asarray(stop), int(num), endpoint=endpoint,
                               axis=axis).astype(dtype))


def array_split(x, indices_or_sections, axis=0):
    """Split into parts like ``split``, but a number of sections need not divide the axis:
    the first (size % n) parts get one more element, as numpy's."""
    size = x.shape[axis] if _is_tensor(x) else np.shape(x)[axis]
    if size is None:
        raise ValueError(f"ops.array_split: the size of axis {axis} must be known.")
    if np.ndim(indices_or_sections) == 0:
        n = int(indices_or_sections)
        if n < 1:
            raise ValueError(f"ops.array_split: the number of sections must be at least 1, received {n}.")
        sizes = [size // n + 1] * (size % n) + [size // n] * (n - size % n)
        cuts = list(np.cumsum(sizes)[:-1])
    else:
        cuts = list(indices_or_sections)
    return core.split(x, [int(c) for c in cuts], axis=axis) if cuts else [x]


def _split_along(name, axis_for):
    def op(x, indices_or_sections):
        rank = len(x.shape) if _is_tensor(x) else np.ndim(x)
        axis = axis_for(rank)
        if rank <= axis:
            raise ValueError(f"ops.{name}: needs at least {axis + 1} axes, received shape {tuple(x.shape)}.")
        size = x.shape[axis]
        if np.ndim(indices_or_sections) == 0 and size is not None and size % int(indices_or_sections):
            raise ValueError(f"ops.{name}: {indices_or_sections} sections do not divide the axis of size {size}.")
        return array_split(x, indices_or_sections, axis=axis)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Split into equal parts along axis {axis_for(3)} (see ``split``)."
    return op


hsplit = _split_along("hsplit", lambda rank: 0 if rank == 1 else 1)
vsplit = _split_along("vsplit", lambda rank: 0)
dsplit = _split_along("dsplit", lambda rank: 2)


def dstack(xs):
    """Join along the third axis (1-D and 2-D arrays get axes of size 1 first, as numpy's)."""
    def at_least_3d(x):
        shape = tuple(x.shape) if _is_tensor(x) else np.shape(x)
        if len(shape) == 1:
            return core.reshape(x, (1,) + shape + (1,))
        if len(shape) == 2:
            return core.expand_dims(x, -1)
        return x
    return core.concatenate([at_least_3d(x) for x in xs], axis=2)


def diagflat(x, k=0):
    """The flattened x on the k-th diagonal of a square matrix."""
    return diag(ravel(x), k)


def kron(x1, x2):
    """Kronecker product: every element of x1 times the whole of x2, tiled."""
    a_shape = tuple(x1.shape) if _is_tensor(x1) else np.shape(x1)
    b_shape = tuple(x2.shape) if _is_tensor(x2) else np.shape(x2)
    rank = builtins.max(len(a_shape), len(b_shape))
    a_shape, b_shape = (1,) * (rank - len(a_shape)) + a_shape, (1,) * (rank - len(b_shape)) + b_shape
    if None in a_shape + b_shape:
        raise ValueError("ops.kron: the shapes of both inputs must be known.")
    interleaved_a = tuple(v for n in a_shape for v in (n, 1))
    interleaved_b = tuple(v for n in b_shape for v in (1, n))
    product = core.multiply(core.reshape(x1, interleaved_a), core.reshape(x2, interleaved_b))
    return core.reshape(product, tuple(p * q for p, q in zip(a_shape, b_shape)))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors, giving the z component) along the given axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = moveaxis(x1, axisa, -1), moveaxis(x2, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"ops.cross: the vectors must have 2 or 3 components; received {na} and {nb}.")

    def part(v, i, n):
        return core.getitem(v, (Ellipsis, i)) if i < n else None

    a0, a1, a2 = (part(a, i, na) for i in range(3))
    b0, b1, b2 = (part(b, i, nb) for i in range(3))

    def mul(p, q):
        return None if p is None or q is None else core.multiply(p, q)

    def sub(p, q):
        if p is None and q is None:
            return None
        return core.negative(q) if p is None else p if q is None else core.subtract(p, q)
    z = sub(mul(a0, b1), mul(a1, b0))
    if na == 2 and nb == 2:
        return z
    x, y = sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2))
    out = core.stack([core.multiply(z, 0.0) if c is None else c for c in (x, y, z)], axis=-1)
    return moveaxis(out, -1, axisc)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns are powers of x (decreasing unless ``increasing``)."""
    n = (x.shape[0] if _is_tensor(x) else len(x)) if N is None else int(N)
    powers = np.arange(n) if increasing else np.arange(n)[::-1].copy()
    x = _as_float(x) if not _is_tensor(x) or x.dtype in _NON_FLOAT else x
    columns = [core.power(x, float(p)) if p else core.ones_like(x) for p in powers]
    return core.stack(columns, axis=1)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of y by the trapezoidal rule, along ``axis``, with spacing ``dx`` or sample points x."""
    y = _as_float(y)
    rank = len(y.shape)
    upper = [builtins.slice(None)] * rank
    lower = [builtins.slice(None)] * rank
    upper[axis], lower[axis] = builtins.slice(1, None), builtins.slice(None, -1)
    mean_heights = core.multiply(core.add(core.getitem(y, tuple(upper)), core.getitem(y, tuple(lower))), 0.5)
    widths = dx if x is None else diff(_as_float(x), axis=axis if np.ndim(x) == rank else -1)
    return core.sum(core.multiply(mean_heights, widths), axis=axis)


def corrcoef(x):
    """Pearson correlation coefficients between the rows of x (each row a variable)."""
    x = _as_float(x)
    if len(x.shape) == 1:
        x = core.reshape(x, (1, -1))
    centred = core.subtract(x, core.mean(x, axis=1, keepdims=True))
    cov = core.matmul(centred, core.transpose(centred))
    scale = core.sqrt(diagonal(cov))
    return core.clip(core.divide(cov, outer(scale, scale)), -1.0, 1.0)


def unravel_index(indices, shape):
    """The coordinates (one int32 array per axis) of flat ``indices`` in an array of ``shape``."""
    flat = np.asarray(indices.value if isinstance(indices, Tensor) else indices)
    if flat.dtype.kind not in "iu":
        raise TypeError(f"ops.unravel_index: indices must be integers, received dtype {flat.dtype}.")
    shape = _shape_tuple(shape, "unravel_index")
    if flat.size and (flat.min() < 0 or flat.max() >= int(np.prod(shape))):
        raise ValueError(f"ops.unravel_index: indices must lie in [0, {int(np.prod(shape))}) for shape {shape}.")
    return tuple(Tensor(c.astype("int32")) for c in np.unravel_index(flat, shape))


def argpartition(x, kth, axis=-1):
    """Indices (int32) that put the kth element in its sorted place along ``axis``, the smaller
    ones before it and the larger after (in no particular order)."""
    return apply(lambda x: (np.argpartition(x, kth, axis=axis).astype("int32"), lambda g: (None,)), x)


def nextafter(x1, x2):
    """The next representable float after x1 in the direction of x2 (no gradient)."""
    return apply(lambda a, b: (np.nextafter(a, b), lambda g: (None, None)), x1, x2)


def view(x, dtype=None):
    """The same bytes read as ``dtype`` (the last axis scales with the item size; no gradient)."""
    if dtype is None:
        return x
    dtype = _check_dtype(dtype, "view")

    def forward(x):
        if x.ndim == 0 or (x.shape[-1] * x.dtype.itemsize) % np.dtype(dtype).itemsize:
            raise ValueError(f"ops.view: the last axis of shape {x.shape} ({x.dtype}) cannot be read as {dtype}.")
        return np.ascontiguousarray(x).view(dtype), lambda g: (None,)
    return apply(forward, x)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D arrays, c[k] = sum_n x1[n + k] x2[n], as numpy's
    (for len(x1) >= len(x2)); ``mode`` 'valid', 'same' or 'full'. Built from a gather of the
    windows of x1, so it is differentiable in both inputs."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"ops.correlate: `mode` must be 'valid', 'same' or 'full', received {mode!r}.")
    n1 = x1.shape[0] if _is_tensor(x1) else len(x1)
    n2 = x2.shape[0] if _is_tensor(x2) else len(x2)
    if ndim(x1) != 1 or ndim(x2) != 1:
        raise ValueError("ops.correlate: expects two 1-D arrays.")
    if n2 > n1:
        raise ValueError(f"ops.correlate: minikeras needs len(x1) >= len(x2); received {n1} and {n2}.")
    x1, x2 = _as_float(x1), _as_float(x2)
    padded = core.pad(x1, ((n2 - 1, n2 - 1),))
    starts = np.arange(n1 + n2 - 1)
    full = core.sum(core.multiply(core.take(padded, starts[:, None] + np.arange(n2)[None, :]), x2), axis=1)
    if mode == "full":
        return full
    begin = n2 - 1 if mode == "valid" else (n2 - 1) // 2
    length = n1 - n2 + 1 if mode == "valid" else n1
    return core.getitem(full, builtins.slice(begin, begin + length))


# ============================================================================ 10. complex numbers as pairs of reals
#
# A gradient with respect to a complex value z = a + ib is carried as dL/da + i dL/db, so these
# conversions pass gradients between the two spellings unchanged.

def view_as_real(x):
    """A complex array (...) as a float array (..., 2) of real and imaginary parts."""
    def forward(z):
        if z.dtype.kind != "c":
            raise TypeError(f"ops.view_as_real: expects a complex tensor, received dtype {z.dtype}.")
        return np.stack([z.real, z.imag], axis=-1), lambda g: (g[..., 0] + 1j * g[..., 1],)
    return apply(forward, x)


def view_as_complex(x):
    """A float array (..., 2) of real and imaginary parts as a complex array (...)."""
    def forward(pairs):
        if pairs.dtype.kind != "f" or pairs.ndim == 0 or pairs.shape[-1] != 2:
            raise ValueError(f"ops.view_as_complex: expects a float tensor whose last axis has size 2, "
                             f"received shape {pairs.shape} and dtype {pairs.dtype}.")
        z = pairs[..., 0] + 1j * pairs[..., 1]
        return z.astype(np.complex64 if pairs.dtype == np.float32 else np.complex128), \
            lambda g: (np.stack([g.real, g.imag], axis=-1).astype(pairs.dtype),)
    return apply(forward, x)


def polar(abs_, angle):
    """The complex numbers abs * exp(i angle)."""
    def forward(r, theta):
        rotation = np.exp(1j * theta)
        z = r * rotation
        dtype = np.complex64 if np.result_type(r, theta) == np.float32 else np.complex128

        def backward(g):
            return (unbroadcast(np.real(np.conj(g) * rotation), r.shape).astype(r.dtype),
                    unbroadcast(np.real(np.conj(g) * 1j * z), theta.shape).astype(theta.dtype))
        return z.astype(dtype), backward
    return apply(forward, abs_, angle)


# ============================================================================ 11. einops-style rearranging

def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, split and merge axes by an einops pattern, e.g. "b h w c -> b (h w) c" or
    "b (h p) w -> b h p w" with p=2. Three steps, each a differentiable op:
    1. reshape to the elementary axes named on the left (splitting its groups),
    2. transpose them into the order named on the right,
    3. reshape to the right's groups (merging them)."""
    left, arrow, right = pattern.partition("->")
    if not arrow:
        raise ValueError(f"ops.rearrange: the pattern needs '->', received {pattern!r}.")
    left_groups, right_groups = _einops_groups(left, pattern), _einops_groups(right, pattern)
    left_names = [n for g in left_groups for n in g]
    right_names = [n for g in right_groups for n in g]
    if sorted(left_names) != sorted(right_names) or len(set(left_names)) != len(left_names):
        raise ValueError(f"ops.rearrange: both sides must name the same axes once each; received {pattern!r}.")
    shape = tuple(tensor.shape) if _is_tensor(tensor) else np.shape(tensor)
    if len(shape) != len(left_groups):
        raise ValueError(f"ops.rearrange: the left side names {len(left_groups)} axes, the tensor has shape {shape}.")
    sizes = dict(axes_lengths)
    for group, n in zip(left_groups, shape):
        unknown = [a for a in group if a not in sizes]
        known = int(np.prod([sizes[a] for a in group if a in sizes]))
        if len(unknown) > 1:
            raise ValueError(f"ops.rearrange: give the sizes of all but one of {group} as keyword arguments.")
        if unknown:
            if n is not None and n % known:
                raise ValueError(f"ops.rearrange: axis of size {n} cannot be split into {group} with {sizes}.")
            sizes[unknown[0]] = None if n is None else n // known
        elif n is not None and known != n:
            raise ValueError(f"ops.rearrange: {group} multiply to {known}, but the axis has size {n}.")
    elementary = core.reshape(tensor, tuple(-1 if sizes[a] is None else sizes[a] for a in left_names))
    moved = core.transpose(elementary, tuple(left_names.index(a) for a in right_names))

    def merged(group):
        if not group:
            return 1
        dims = [sizes[a] for a in group]
        return -1 if None in dims else int(np.prod(dims))
    return core.reshape(moved, tuple(merged(g) for g in right_groups))


def _einops_groups(side, pattern):
    groups, current = [], None
    for token in side.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            if current is not None:
                raise ValueError(f"ops.rearrange: nested parentheses in {pattern!r}.")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"ops.rearrange: unbalanced parentheses in {pattern!r}.")
            groups.append(current)
            current = None
        elif not token.isidentifier():
            raise ValueError(f"ops.rearrange: axis names must be identifiers ('...' and numbers are not "
                             f"supported); received {token!r} in {pattern!r}.")
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    if current is not None:
        raise ValueError(f"ops.rearrange: unbalanced parentheses in {pattern!r}.")
    return groups
