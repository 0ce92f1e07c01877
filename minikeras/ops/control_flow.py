"""Control flow as ``keras.ops`` spells it: ``cond``, ``switch``, loops, ``map``, ``scan`` and
``custom_gradient``.

Keras needs these because its backends compile a model into a graph, where a Python ``if``
or ``for`` cannot depend on a tensor's value. minikeras runs eagerly, so each one is the
plain Python construct, which the tape differentiates like any other sequence of
operations. On symbolic KerasTensors (while a model is defined) the branches are traced
for their shapes, which must agree, as Keras requires.
"""
import numpy as np

from .. import tree
from ..engine.tensor import KerasTensor
from . import core
from .numpy import moveaxis
from .tape import record
from .tensor import Tensor


def _shapes(structure):
    return [tuple(t.shape) if hasattr(t, "shape") else np.shape(t) for t in tree.flatten(structure)]


def _same_structure(outputs, op):
    first = _shapes(outputs[0])
    for other in outputs[1:]:
        if _shapes(other) != first:
            raise ValueError(f"ops.{op}: every branch must return the same structure and shapes; "
                             f"received {first} and {_shapes(other)}.")
    return outputs[0]


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    if isinstance(pred, KerasTensor):
        return _same_structure([true_fn(), false_fn()], "cond")
    value = np.asarray(pred.value if isinstance(pred, Tensor) else pred)
    if value.size != 1:
        raise ValueError(f"ops.cond: `pred` must be a single boolean, received shape {value.shape}.")
    return true_fn() if bool(value) else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)``; an index out of range picks the nearest end, as in Keras."""
    if not branches:
        raise ValueError("ops.switch: `branches` must hold at least one function.")
    if isinstance(index, KerasTensor):
        return _same_structure([b(*operands) for b in branches], "switch")
    i = int(np.asarray(index.value if isinstance(index, Tensor) else index))
    return branches[min(max(i, 0), len(branches) - 1)](*operands)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i in range(lower, upper); returns val."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, at most
    ``maximum_iterations`` times. A single loop variable may be given bare (and comes back so)."""
    single = not isinstance(loop_vars, (list, tuple))
    state = (loop_vars,) if single else tuple(loop_vars)
    count = 0
    while (maximum_iterations is None or count < maximum_iterations) and bool(np.asarray(cond(*state))):
        state = body(*state)
        state = (state,) if single or not isinstance(state, (list, tuple)) else tuple(state)
        count += 1
    return state[0] if single else state


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its first axis, the results stacked."""
    return _stack_results([f(x) for x in _slices(xs)])


def vectorized_map(function, elements):
    """The same as ``map``: minikeras runs the slices one after another."""
    return map(function, elements)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Carry a state through the slices of ``xs``: ``carry, y = f(carry, x)``; returns the final
    carry and the stacked ys. Without ``xs``, ``length`` steps get x = None."""
    if xs is None and length is None:
        raise ValueError("ops.scan: give `xs` or `length`.")
    items = _slices(xs) if xs is not None else [None] * int(length)
    if length is not None and len(items) != int(length):
        raise ValueError(f"ops.scan: length={length} does not match the {len(items)} slices of xs.")
    order = range(len(items) - 1, -1, -1) if reverse else range(len(items))
    carry, ys = init, [None] * len(items)
    for i in order:
        carry, ys[i] = f(carry, items[i])
    return carry, (_stack_results(ys) if ys and ys[0] is not None else None)


def _slices(xs):
    if isinstance(xs, (list, tuple)) and xs and not isinstance(xs[0], (int, float)):
        parts = [_slices(x) for x in xs]   # a structure of arrays: slice each, zip
        return [type(xs)(p) for p in zip(*parts)]
    xs = xs if isinstance(xs, (Tensor, KerasTensor)) else core.convert_to_tensor(xs)
    if xs.shape[0] is None:
        raise ValueError("ops.map/scan: the first axis must be known to loop over it; received "
                         f"shape {xs.shape}.")
    return [core.getitem(xs, i) for i in range(xs.shape[0])]


def _stack_results(results):
    first = results[0]
    if isinstance(first, (list, tuple)):
        return type(first)(_stack_results([r[i] for r in results]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack_results([r[k] for r in results]) for k in first}
    return core.stack(results, axis=0)


def custom_gradient(f):
    """Decorate ``f(*args) -> (y, grad_fn)`` so that the tape uses ``grad_fn`` for its gradient.

    ``grad_fn(upstream)`` (or, in Keras's torch-friendly spelling, ``grad_fn(*args, upstream=None)``)
    receives the gradient of y and returns one gradient per argument of ``f``. ``f``'s own
    operations are run on copies the tape does not follow, so only ``grad_fn`` counts.
    """
    def wrapper(*args):
        if any(isinstance(a, KerasTensor) for a in args):
            return f(*args)[0]
        inputs = [core.convert_to_tensor(a) for a in args]
        y, grad_fn = f(*[Tensor(t.value) for t in inputs])
        if not isinstance(y, Tensor):
            raise TypeError(f"ops.custom_gradient: {getattr(f, '__name__', 'the function')} must return "
                            f"(tensor, grad_fn); received a {type(y).__name__} as the tensor.")

        def backward(g):
            grads = grad_fn(Tensor(g))
            grads = grads if isinstance(grads, (list, tuple)) else (grads,)
            if len(grads) != len(inputs):
                raise ValueError(f"ops.custom_gradient: grad_fn returned {len(grads)} gradients for "
                                 f"{len(inputs)} inputs.")
            return tuple(None if gr is None else np.asarray(gr.value if isinstance(gr, Tensor) else gr,
                                                             dtype=t.value.dtype) for gr, t in zip(grads, inputs))
        return record(y.value, inputs, backward)
    wrapper.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapper.__doc__ = f.__doc__
    return wrapper


def associative_scan(f, elems, reverse=False, axis=0):
    """The running combination of the slices of ``elems`` along ``axis`` with the associative
    ``f``: out[i] = f(out[i-1], elems[i]) (from the end with ``reverse``). Keras computes it in
    parallel; the result of a sequential scan is the same."""
    moved = moveaxis(elems, axis, 0)
    items = _slices(moved)
    order = list(range(len(items)))[::-1] if reverse else list(range(len(items)))
    out, running = [None] * len(items), None
    for i in order:
        running = items[i] if running is None else (f(items[i], running) if reverse else f(running, items[i]))
        out[i] = running
    return moveaxis(_stack_results(out), 0, axis)



def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc``, written for single elements (or, with a numpy-style ``signature`` such as
    "(n),(n)->()", for core blocks), applied across the leading axes of its arguments.

    The loop runs in Python over the leading axes (Keras uses its backend's vmap); every call
    is made of ops, so the result is differentiable.
    """
    excluded = set(excluded or ())
    core_dims = _core_dims(signature)

    def vectorized(*args):
        positions = [i for i in range(len(args)) if i not in excluded]
        if core_dims is not None and len(core_dims) != len(positions):
            raise ValueError(f"ops.vectorize: the signature {signature!r} names {len(core_dims)} inputs, "
                             f"received {len(positions)}.")
        tensors = {i: core.convert_to_tensor(args[i]) if not hasattr(args[i], "shape") else args[i]
                   for i in positions}
        loops = [len(tensors[i].shape) - (core_dims[k] if core_dims else 0) for k, i in enumerate(positions)]
        loop_shapes = [tuple(tensors[i].shape[:n]) for i, n in zip(positions, loops)]
        if min(loops, default=0) < 0:
            raise ValueError(f"ops.vectorize: an argument has fewer axes than the signature {signature!r} needs.")
        loop_shape = core.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        for k, i in enumerate(positions):
            target = loop_shape + tuple(tensors[i].shape[loops[k]:])
            if tuple(tensors[i].shape) != target:
                tensors[i] = core.broadcast_to(tensors[i], target)
        return _loop(pyfunc, args, tensors, len(loop_shape))
    vectorized.__name__ = getattr(pyfunc, "__name__", "vectorized")
    return vectorized


def _loop(pyfunc, args, tensors, depth):
    if depth == 0:
        return pyfunc(*[tensors.get(i, a) for i, a in enumerate(args)])
    n = next(iter(tensors.values())).shape[0]
    results = [_loop(pyfunc, args, {i: core.getitem(t, j) for i, t in tensors.items()}, depth - 1)
               for j in range(n)]
    return _stack_results([r if hasattr(r, "shape") or isinstance(r, (list, tuple, dict))
                           else core.convert_to_tensor(r) for r in results])


def _core_dims(signature):
    """The number of core axes of each input of a signature "(m,n),(n)->(m)"; None without one."""
    if signature is None:
        return None
    inputs = signature.replace(" ", "").split("->")[0]
    groups = inputs[1:-1].split("),(") if inputs else []
    return [0 if g == "" else len(g.split(",")) for g in groups]
