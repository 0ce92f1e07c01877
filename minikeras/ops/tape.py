"""Reverse-mode automatic differentiation, as in TensorFlow's ``GradientTape``.

Every operation in ``minikeras.ops`` returns its value together with a ``backward``
closure that maps the gradient of its output to the gradients of its inputs. While a
tape records, the output Tensor keeps (parents, backward). ``tape.gradient`` sorts the
recorded graph topologically from the target and runs the closures in reverse,
summing the gradients that reach each tensor.
"""
import numpy as np

from .. import kernels
from .tensor import Tensor, Variable, convert_to_tensor

_active_tapes = []


def is_recording():
    return bool(_active_tapes)


def _needs_grad(t):
    return isinstance(t, Tensor) and (
        t._backward is not None or t._watched or (isinstance(t, Variable) and t.trainable))


def will_record(inputs):
    """Whether an operation on ``inputs`` is recorded: a tape is active and one of them needs a
    gradient. Only then can a backward pass follow, so an operation may also ask this before
    it runs, to skip what only a backward pass reads (max pooling's winning cells) or choose
    its algorithm (a 4x4 convolution's)."""
    return bool(_active_tapes) and any(_needs_grad(t) for t in inputs)


def record(value, inputs, backward):
    """Wrap an operation's output; remember how it was made if a tape needs it."""
    if not isinstance(value, np.ndarray):  # numpy reductions return scalars, not 0-d arrays
        value = np.asarray(value)
    out = Tensor(value)
    if will_record(inputs):
        out._parents = inputs
        out._backward = backward
    return out


class GradientTape:
    """Record operations inside ``with GradientTape() as tape:`` to differentiate them."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self._used = False

    def __enter__(self):
        _active_tapes.append(self)
        return self

    def __exit__(self, *exc):
        _active_tapes.remove(self)
        return False

    def watch(self, tensor):
        """Also differentiate with respect to ``tensor`` (a Tensor that is not a Variable)."""
        for t in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"GradientTape.watch expects a minikeras Tensor, got {type(t).__name__}. "
                    "Convert it first: x = minikeras.ops.convert_to_tensor(x).")
            t._watched = True

    def gradient(self, target, sources, output_gradients=None):
        """Gradients of ``target`` (summed if it is not a scalar) with respect to ``sources``."""
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only compute one gradient. "
                "Use GradientTape(persistent=True) to call gradient() several times.")
        self._used = True
        single = not isinstance(sources, (list, tuple))
        source_list = [sources] if single else list(sources)
        targets = target if isinstance(target, (list, tuple)) else [target]
        if output_gradients is None:
            output_gradients = [None] * len(targets)
        elif not isinstance(output_gradients, (list, tuple)):
            output_gradients = [output_gradients]
        grads = {}
        for t, g in zip(targets, output_gradients):
            t = convert_to_tensor(t)
            seed = np.ones_like(t.value) if g is None else np.asarray(g, dtype=t.value.dtype)
            _accumulate(grads, t, seed)
        for t in reversed(_topological_order(targets)):
            g = grads.get(id(t))
            if g is None or t._backward is None:
                continue
            for parent, parent_grad in zip(t._parents, t._backward(g[1])):
                if parent_grad is not None and isinstance(parent, Tensor):
                    _accumulate(grads, parent, parent_grad)
        # As in TensorFlow, a tensor the tape did not watch (e.g. a frozen Variable) gets None.
        result = [Tensor(grads[id(s)][1]) if id(s) in grads and _needs_grad(s) else None
                  for s in source_list]
        return result[0] if single else result


def _accumulate(grads, tensor, g):
    key = id(tensor)
    if key in grads:
        grads[key] = (tensor, kernels.selected.add(grads[key][1], g))
    else:
        grads[key] = (tensor, g)


def _topological_order(targets):
    """Tensors reachable from the targets, each after all of its parents (DFS post-order)."""
    order, visited = [], set()
    stack = [(t, False) for t in targets if isinstance(t, Tensor)]
    while stack:
        t, finished = stack.pop()
        if finished:
            order.append(t)
            continue
        if id(t) in visited:
            continue
        visited.add(id(t))
        stack.append((t, True))
        for p in t._parents or ():
            if isinstance(p, Tensor) and id(p) not in visited:
                stack.append((p, False))
    return order
