"""Array operations with hand-written gradients.

Each operation is a forward function on numpy arrays that returns ``(value, backward)``,
where ``backward(g)`` gives one gradient per input (None where none flows). ``apply``
runs it eagerly on Tensors, or, on symbolic KerasTensors, works out only the output
shape, so the same ``call`` serves model definition and execution.
"""
import builtins
import inspect

import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from .. import kernels
from .tape import record
from .tensor import Tensor, convert_to_tensor


def apply(forward, *args, shape_rule=None, **kwargs):
    """Run ``forward`` on the values of ``args``; symbolic inputs give a symbolic output."""
    tensors = args
    if not _all_tensors(args):
        if builtins.any(isinstance(a, KerasTensor) for a in args):
            return _symbolic(forward, args, kwargs, shape_rule)
        tensors = [convert_to_tensor(a) for a in args]
        if builtins.any(type(a) in (int, float) for a in args):
            tensors = _weak_scalars(args, tensors)
    try:
        value, backward = forward(*[t.value for t in tensors], **kwargs)
    except TypeError as e:
        _refuse_text(tensors, forward, e)
        raise
    return record(value, tensors, backward)


def _all_tensors(args):
    """The common case, a layer's inputs and weights: nothing to convert. A plain loop, as
    it runs for every operation of every step (half the cost of ``any`` over a generator)."""
    for a in args:
        if not isinstance(a, Tensor):
            return False
    return True


def _refuse_text(tensors, forward, error):
    """Turn numpy's message for arithmetic on text into one that says what to do."""
    if builtins.any(t.value.dtype.kind in "USO" for t in tensors):
        name = getattr(forward, "__qualname__", "an operation").split(".")[0].lstrip("_")
        raise TypeError(
            f"A string tensor reached a numeric operation ({name}): minikeras layers and ops compute on "
            "numbers. Turn text into numbers first, inside the model, with layers.StringLookup, "
            "layers.TextVectorization or layers.Hashing.") from error


def _weak_scalars(args, tensors):
    """Python numbers take the float type of the tensors they meet (``3 * x`` stays float32),
    as in TensorFlow and Keras, and a Python int meeting only integer tensors takes their
    integer type (``i % 3`` stays int32); otherwise they keep their own type."""
    dtype = next((t.value.dtype for a, t in zip(args, tensors)
                  if type(a) not in (int, float) and t.value.dtype.kind == "f"), None)
    if dtype is None:
        int_dtype = next((t.value.dtype for a, t in zip(args, tensors)
                          if type(a) not in (int, float) and t.value.dtype.kind in "iu"), None)
        if int_dtype is None:
            return tensors
        return [Tensor(np.asarray(a, dtype=int_dtype)) if type(a) is int and _fits(a, int_dtype) else t
                for a, t in zip(args, tensors)]
    return [Tensor(np.asarray(a, dtype=dtype)) if type(a) in (int, float) else t
            for a, t in zip(args, tensors)]


def _fits(number, dtype):
    info = np.iinfo(dtype)
    return info.min <= number <= info.max


def apply_multi(forward, *args):
    """An eager operation with several outputs: ``forward`` returns (list of arrays, backward)
    where backward takes one gradient per output. The outputs travel on the tape as one
    flat vector, then are sliced apart, so each slice sends its gradient home."""
    shapes = []

    def packed(*arrays):
        values, backward = forward(*arrays)
        shapes.extend(v.shape for v in values)
        sizes = [v.size for v in values]
        flat = np.concatenate([v.ravel() for v in values])

        def unpack(g):
            parts = np.split(g, np.cumsum(sizes)[:-1])
            return backward([p.reshape(s) for p, s in zip(parts, shapes)])
        return flat, unpack

    flat = apply(packed, *args)
    outputs, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        outputs.append(reshape(getitem(flat, slice(offset, offset + size)), shape))
        offset += size
    return outputs


def _symbolic(forward, args, kwargs, shape_rule):
    """Output KerasTensor of ``forward``: by an explicit rule, or by two cheap probe runs.

    The probes replace each unknown (None) dimension by 2, then by 3, on zero-memory
    broadcast arrays; output dimensions that differ between the runs are unknown too.
    """
    if shape_rule is not None:
        shapes = [a.shape if isinstance(a, KerasTensor) else np.shape(a) for a in args]
        dtype = _result_dtype(args)
        return KerasTensor(shape_rule(*shapes, **kwargs), dtype)
    outs = []
    float_dtype = next((a.dtype for a in args if isinstance(a, (KerasTensor, Tensor))
                        and a.dtype in ("float16", "float32", "float64")), None)
    for fill in (2, 3):
        # Python numbers stay weak here too, as in eager mode: ``x % 2.0`` keeps x's float type
        arrays = [np.asarray(a, dtype=float_dtype) if type(a) in (int, float) and float_dtype else _probe(a, fill)
                  for a in args]
        value, _ = forward(*arrays, **kwargs)
        outs.append(np.asarray(value))
    shape = tuple(a if a == b else None for a, b in zip(outs[0].shape, outs[1].shape))
    return KerasTensor(shape, outs[0].dtype)


def _probe(a, fill):
    if isinstance(a, KerasTensor):
        shape = tuple(fill if d is None else d for d in a.shape)
        return np.broadcast_to(np.ones((), dtype=a.dtype), shape)
    return np.asarray(a.value if isinstance(a, Tensor) else a)


def _result_dtype(args):
    dtypes = [a.dtype for a in args if isinstance(a, (KerasTensor, Tensor))]
    return dtypes[0] if dtypes else backend.floatx()


def unbroadcast(g, shape):
    """Sum ``g`` down to ``shape``: the gradient of numpy broadcasting."""
    if g.shape == tuple(shape):
        return g
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def broadcast_shapes(*shapes):
    """numpy's broadcasting rule, with None for sizes unknown until run time."""
    ndim = builtins.max(len(s) for s in shapes)
    result = []
    for axis in range(ndim):
        dims = [s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"Shapes {tuple(shapes)} cannot be broadcast together (axis {axis}).")
        if known:
            result.append(known.pop())
        elif None in dims:
            result.append(None)
        else:
            result.append(1)
    return tuple(result)


def _elementwise_rule(*shapes):
    return broadcast_shapes(*shapes)


def _unary_rule(shape, **kwargs):
    return shape


# ----------------------------------------------------------------------------- arithmetic

def _add(a, b):
    return kernels.selected.add(a, b), lambda g: (unbroadcast(g, a.shape), unbroadcast(g, b.shape))


def _subtract(a, b):
    return a - b, lambda g: (unbroadcast(g, a.shape), unbroadcast(-g, b.shape))


def _multiply(a, b):
    return a * b, lambda g: (unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape))


def _divide(a, b):
    return a / b, lambda g: (unbroadcast(g / b, a.shape), unbroadcast(-g * a / (b * b), b.shape))


def _power(a, b):
    out = np.power(a, b)

    def backward(g):
        ga = g * b * np.power(a, b - 1)
        gb = g * out * np.log(np.where(a > 0, a, 1))  # d(a**b)/db, defined for a > 0
        return unbroadcast(ga, a.shape), unbroadcast(gb, np.shape(b))
    return out, backward


def _maximum(a, b):
    mask = a >= b
    return np.maximum(a, b), lambda g: (unbroadcast(g * mask, a.shape), unbroadcast(g * ~mask, b.shape))


def _minimum(a, b):
    mask = a <= b
    return np.minimum(a, b), lambda g: (unbroadcast(g * mask, a.shape), unbroadcast(g * ~mask, b.shape))


def named_op(run, params, name, doc):
    """``run(*tensors)`` as the public op ``name`` whose arguments carry Keras's names.

    Several ops are made by one factory each (the bitwise ops, the elementwise predicates);
    this gives each the argument names Keras documents (``x``, ``x1, x2``, ``x, y``), so
    ``ops.gcd(x1=a, x2=b)`` works and ``help()`` shows them."""
    signature = inspect.Signature([inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                   for p in params])

    def op(*args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"ops.{name}{signature}: {error}.") from None
        return run(*bound.args)
    op.__signature__ = signature
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def _elementwise(fn, name):
    """The public operation for ``fn``, a (value, backward) function of two broadcastable arrays."""
    def op(a, b):
        return apply(fn, a, b, shape_rule=_elementwise_rule)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name} of a and b, with numpy broadcasting."
    return op


add = _elementwise(_add, "add")
subtract = _elementwise(_subtract, "subtract")
multiply = _elementwise(_multiply, "multiply")
divide = _elementwise(_divide, "divide")
power = _elementwise(_power, "power")
maximum = _elementwise(_maximum, "maximum")
minimum = _elementwise(_minimum, "minimum")


def negative(a):
    return apply(lambda a: (-a, lambda g: (-g,)), a, shape_rule=_unary_rule)


def _comparison(fn):
    def op(a, b):
        out = apply(lambda a, b: (fn(a, b), lambda g: (None, None)), a, b, shape_rule=_elementwise_rule)
        if isinstance(out, KerasTensor):
            out.dtype = "bool"   # the shape rule gives the inputs' type; a comparison gives booleans
        return out
    return op


greater = _comparison(np.greater)
greater_equal = _comparison(np.greater_equal)
less = _comparison(np.less)
less_equal = _comparison(np.less_equal)
equal = _comparison(np.equal)
not_equal = _comparison(np.not_equal)


def _matmul(a, b):
    def backward(g):
        if a.ndim == 1 or b.ndim == 1:
            ga = np.tensordot(g, b, axes=([-1], [-1])) if b.ndim == 2 else np.multiply.outer(g, b)
            gb = np.tensordot(a, g, axes=(list(range(a.ndim - 1)), list(range(g.ndim - 1)))) \
                if b.ndim == 2 else np.tensordot(a, g, axes=(list(range(a.ndim - 1)), list(range(g.ndim))))
            return ga, gb
        ga = g @ np.swapaxes(b, -1, -2)
        gb = np.swapaxes(a, -1, -2) @ g
        return unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)
    return a @ b, backward


def matmul(a, b):
    """Matrix product over the last two axes (batched like numpy's ``@``)."""
    return apply(_matmul, a, b)


dot = matmul


# ----------------------------------------------------------------------------- elementwise functions

def _unary(fn, grad_from_in_out, floats_only=False):
    """``floats_only``: integer inputs are first converted to floatx (Keras's ``sqrt(int)`` is float32)."""
    def op(x):
        def forward(x):
            if floats_only and x.dtype.kind in "biu":
                y = fn(x.astype(backend.floatx()))
                return y, lambda g: (None,)
            y = fn(x)
            return y, lambda g: (g * grad_from_in_out(x, y),)
        return apply(forward, x, shape_rule=_unary_rule)
    return op


exp = _unary(np.exp, lambda x, y: y, floats_only=True)
log = _unary(np.log, lambda x, y: 1 / x, floats_only=True)
sqrt = _unary(np.sqrt, lambda x, y: 0.5 / y, floats_only=True)
square = _unary(np.square, lambda x, y: 2 * x)
abs = _unary(np.abs, lambda x, y: np.sign(x))
tanh = _unary(np.tanh, lambda x, y: 1 - y * y, floats_only=True)
sin = _unary(np.sin, lambda x, y: np.cos(x), floats_only=True)
cos = _unary(np.cos, lambda x, y: -np.sin(x), floats_only=True)
log1p = _unary(np.log1p, lambda x, y: 1 / (1 + x), floats_only=True)


def sign(x):
    return apply(lambda x: (np.sign(x), lambda g: (None,)), x, shape_rule=_unary_rule)


def clip(x, x_min, x_max):
    def forward(x):
        inside = (x >= x_min) & (x <= x_max)
        return np.clip(x, x_min, x_max), lambda g: (g * inside,)
    return apply(forward, x, shape_rule=_unary_rule)


def cast(x, dtype):
    dtype = backend.standardize_dtype(dtype)

    def forward(x):
        differentiable = np.dtype(dtype).kind == "f" and x.dtype.kind == "f"
        return x.astype(dtype), lambda g: ((g.astype(x.dtype) if differentiable else None),)
    if isinstance(x, KerasTensor):
        return KerasTensor(x.shape, dtype)
    return apply(forward, x)


def stop_gradient(variable):
    return apply(lambda x: (x, lambda g: (None,)), variable, shape_rule=_unary_rule)


def where(condition, x1, x2):
    def forward(c, a, b):
        c = c.astype(bool)
        return np.where(c, a, b), lambda g: (None, unbroadcast(np.where(c, g, 0), a.shape),
                                             unbroadcast(np.where(c, 0, g), b.shape))
    if builtins.any(isinstance(a, KerasTensor) for a in (condition, x1, x2)):
        # the values' dtype, not the condition's: the first tensor among x1, x2 sets it
        values = [a for a in (x1, x2) if isinstance(a, (KerasTensor, Tensor))]
        shapes = [a.shape if isinstance(a, (KerasTensor, Tensor)) else np.shape(a) for a in (condition, x1, x2)]
        return KerasTensor(broadcast_shapes(*shapes), values[0].dtype if values else backend.floatx())
    return apply(forward, condition, x1, x2, shape_rule=_elementwise_rule)


# ----------------------------------------------------------------------------- reductions

def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(a % ndim for a in axis)


def _reduce_grad(g, x_shape, axes, keepdims):
    if not keepdims:
        g = np.expand_dims(g, axes)
    return np.broadcast_to(g, x_shape)


def sum(x, axis=None, keepdims=False):
    def forward(x):
        axes = _axes(axis, x.ndim)
        return x.sum(axis=axes, keepdims=keepdims), lambda g: (_reduce_grad(g, x.shape, axes, keepdims),)
    return apply(forward, x)


def mean(x, axis=None, keepdims=False):
    def forward(x):
        if x.dtype.kind in "biu":   # Keras: the mean of integers is floatx
            return np.mean(x, axis=_axes(axis, x.ndim), keepdims=keepdims).astype(backend.floatx()), \
                lambda g: (None,)
        axes = _axes(axis, x.ndim)
        n = int(np.prod([x.shape[a] for a in axes]))
        return x.mean(axis=axes, keepdims=keepdims), \
            lambda g: (_reduce_grad(g / x.dtype.type(n), x.shape, axes, keepdims),)
    return apply(forward, x)


def _extreme(fn):
    def op(x, axis=None, keepdims=False, initial=None):
        def forward(x):
            axes = _axes(axis, x.ndim)
            y = fn(x, axis=axes, keepdims=True) if initial is None else \
                fn(x, axis=axes, keepdims=True, initial=initial).astype(x.dtype)
            hit = x == y
            # split the gradient between ties; none flows where ``initial`` won
            count = np.maximum(hit.sum(axis=axes, keepdims=True), 1)
            out = y if keepdims else np.squeeze(y, axis=axes)
            return out, lambda g: (_reduce_grad(g, x.shape, axes, keepdims) * hit / count,)
        return apply(forward, x)
    return op


max = _extreme(np.max)
min = _extreme(np.min)


def any(x, axis=None, keepdims=False):
    return apply(lambda x: (np.any(x, axis=axis, keepdims=keepdims), lambda g: (None,)), x)


def all(x, axis=None, keepdims=False):
    return apply(lambda x: (np.all(x, axis=axis, keepdims=keepdims), lambda g: (None,)), x)


def _arg_extreme(fn):
    def op(x, axis=None, keepdims=False):
        def forward(x):
            return fn(x, axis=axis, keepdims=keepdims).astype("int32"), lambda g: (None,)
        return apply(forward, x)
    return op


argmax = _arg_extreme(np.argmax)
argmax.__name__ = "argmax"
argmax.__doc__ = "Index (int32) of the largest value along ``axis`` (of the flattened array when None)."
argmin = _arg_extreme(np.argmin)
argmin.__name__ = "argmin"
argmin.__doc__ = "Index (int32) of the smallest value along ``axis`` (of the flattened array when None)."


# ----------------------------------------------------------------------------- shape manipulation

def reshape(x, newshape):
    new_shape = tuple(-1 if d is None else d for d in ((newshape,) if np.ndim(newshape) == 0 else newshape))

    def forward(x):
        return x.reshape(new_shape), lambda g: (g.reshape(x.shape),)
    return apply(forward, x)


def transpose(x, axes=None):
    def forward(x):
        perm = tuple(range(x.ndim))[::-1] if axes is None else tuple(axes)
        inverse = np.argsort(perm)
        return np.transpose(x, perm), lambda g: (np.transpose(g, inverse),)
    return apply(forward, x)


def expand_dims(x, axis):
    return apply(lambda x: (np.expand_dims(x, axis), lambda g: (g.reshape(x.shape),)), x)


def squeeze(x, axis=None):
    return apply(lambda x: (np.squeeze(x, axis), lambda g: (g.reshape(x.shape),)), x)


def getitem(x, index):
    if isinstance(index, (Tensor, KerasTensor)):
        raise TypeError("Indexing with a tensor is not supported; use ops.take.")

    basic = not builtins.any(isinstance(i, (list, np.ndarray)) for i in
                             (index if isinstance(index, tuple) else (index,)))

    def forward(x):
        def backward(g):
            full = np.zeros_like(x)
            if basic:  # slices and integers never pick a cell twice: plain assignment
                full[index] = g
            else:
                np.add.at(full, index, g)
            return (full,)
        return x[index], backward
    return apply(forward, x)


def concatenate(xs, axis=-1):
    def forward(*arrays):
        sizes = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=axis), lambda g: tuple(np.split(g, sizes, axis=axis))
    return apply(forward, *xs, shape_rule=lambda *shapes: _concat_shape(shapes, axis))


def _concat_shape(shapes, axis):
    rank = len(shapes[0])
    axis = axis % rank
    out = list(shapes[0])
    sizes = [s[axis] for s in shapes]
    out[axis] = None if None in sizes else int(np.sum(sizes))
    for a in range(rank):
        if a != axis:
            known = {s[a] for s in shapes if s[a] is not None}
            out[a] = known.pop() if len(known) == 1 else (None if not known else out[a])
    return tuple(out)


def stack(x, axis=0):
    xs = x

    def forward(*arrays):
        return np.stack(arrays, axis=axis), \
            lambda g: tuple(np.squeeze(p, axis) for p in np.split(g, len(arrays), axis=axis))
    return apply(forward, *xs)


def split(x, indices_or_sections, axis=0):
    n = indices_or_sections if np.ndim(indices_or_sections) == 0 else len(indices_or_sections) + 1
    return [getitem(x, _slice_for(x, indices_or_sections, axis, i)) for i in range(n)]


def _slice_for(x, sections, axis, i):
    size = x.shape[axis]
    if np.ndim(sections) == 0:
        step = size // sections
        bounds = (i * step, (i + 1) * step)
    else:
        edges = [0] + list(sections) + [size]
        bounds = (edges[i], edges[i + 1])
    index = [slice(None)] * len(x.shape)
    index[axis] = slice(*bounds)
    return tuple(index)


def broadcast_to(x, shape):
    return apply(lambda x: (np.broadcast_to(x, shape), lambda g: (unbroadcast(g, x.shape),)), x)


def tile(x, repeats):
    def forward(x):
        reps = tuple(repeats)
        y = np.tile(x, reps)

        def backward(g):
            split_shape = []
            for r, n in zip(reps, x.shape):
                split_shape += [r, n]
            return (g.reshape(split_shape).sum(axis=tuple(range(0, 2 * x.ndim, 2))),)
        return y, backward
    return apply(forward, x)


def repeat(x, repeats, axis=None):
    def forward(x):
        y = np.repeat(x, repeats, axis=axis)

        def backward(g):
            shape = list(x.shape)
            shape.insert(axis % x.ndim + 1, repeats)
            return (g.reshape(shape).sum(axis=axis % x.ndim + 1),)
        return y, backward
    return apply(forward, x)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad each axis by (before, after) cells: with ``constant_values`` (0 by default), or by
    copying cells of x ('edge', 'reflect', 'symmetric', 'wrap', as numpy's). The copying modes
    are a gather along each axis, so their gradient adds the copies back."""
    if mode not in _PAD_MODES:
        raise ValueError(f"ops.pad: `mode` must be one of {_PAD_MODES}, received mode={mode!r}.")
    if mode != "constant" and constant_values is not None:
        raise ValueError(f"ops.pad: constant_values only applies to mode='constant', received mode={mode!r}.")
    widths = [tuple(int(v) for v in p) for p in pad_width]
    if mode != "constant":
        for axis, (before, after) in enumerate(widths):
            if before or after:
                source = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
                x = take(x, source, axis=axis)
        return x
    fill = 0 if constant_values is None else constant_values

    def forward(x):
        index = tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape))
        return np.pad(x, widths, constant_values=fill), lambda g: (g[index],)
    return apply(forward, x)


def flip(x, axis):
    return apply(lambda x: (np.flip(x, axis), lambda g: (np.flip(g, axis),)), x)


def take(x, indices, axis=0):
    """Gather rows: the gradient scatters back with np.add.at (repeated indices add up)."""
    def forward(x, idx):
        idx = idx.astype(np.int64, copy=False)
        y = np.take(x, idx, axis=axis)

        def backward(g):
            full = np.zeros_like(x)
            if axis == 0:
                np.add.at(full, idx, g)
            else:
                # g holds the index's axes where x had ``axis``: bring them to the front, as idx's
                ax = axis % x.ndim
                np.add.at(np.moveaxis(full, ax, 0), idx,
                          np.moveaxis(g, tuple(range(ax, ax + idx.ndim)), tuple(range(idx.ndim))))
            return full, None
        return y, backward
    return apply(forward, x, indices)


# ----------------------------------------------------------------------------- creation

def zeros(shape, dtype=None):
    return Tensor(np.zeros(shape, dtype=backend.standardize_dtype(dtype)))


def ones(shape, dtype=None):
    return Tensor(np.ones(shape, dtype=backend.standardize_dtype(dtype)))


def zeros_like(x, dtype=None):
    return apply(lambda x: (np.zeros_like(x, dtype=dtype), lambda g: (None,)), x, shape_rule=_unary_rule)


def ones_like(x, dtype=None):
    return apply(lambda x: (np.ones_like(x, dtype=dtype), lambda g: (None,)), x, shape_rule=_unary_rule)


def shape(x):
    return tuple(x.shape)
