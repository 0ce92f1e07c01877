"""Operations in the graph: an op called on symbolic tensors becomes a vertex of the model.

Keras 3 code writes ``x = layers.LayerNormalization()(x + attn)`` or
``keras.ops.mean(x, axis=1)`` between layers of a functional model. The ``+`` and the
``mean`` are not layers, yet the model must run them. So, as in Keras 3, a call of a
``minikeras.ops`` function (or of a KerasTensor operator) on KerasTensors that belong to a
graph is recorded like a layer call: an ``Operation`` object (named ``add_1``, ``mean_1``,
counted with the layers' names, so no two vertices share a name) and a ``Node`` holding the
call's arguments. The graph walker (``engine/graph.py``) then runs the node by calling the
function again on values (``Operation.compute``), so predict, fit (the tape sees the op),
summaries, plots and configs all see it.

Why this module sits in the ops layer, below the engine: the ops are what records the call
(the engine is never asked), and Keras keeps ``Operation`` and ``Node`` in ``keras.ops`` for
the same reason. A ``Layer`` is the richer kind of vertex (weights, ``build``, masks) and
lives in the engine; the graph code treats both through the node's ``outbound_layer``.

How a call is split, as Keras 3's op classes split it: arguments that hold tensors, or
whose parameter names a tensor slot (``x``, ``a``/``b``, ``x1``/``x2``, ``key``,
``indices``, ...) are the *call arguments* (the node keeps them; Python numbers there stay
as given: ``x * 0.5``); every other argument is an *option* of the operation
(``axis``, ``keepdims``), kept in its config, as ``Mean(axis=1)`` keeps it in Keras.

Calls made while a layer's ``call()`` runs on symbolic inputs to find its output shape
(``tracing()``) record nothing: those tensors belong to the layer, not to the graph.
"""
import contextlib
import functools
import inspect

from .. import backend, tree
from ..engine.tensor import KerasTensor
from .node import Node

# Parameters that hold the tensors of an op: a call argument even when given a constant.
# Read from Keras 3: the parameters of its op classes' ``call`` (the others are constructor
# arguments), under the names minikeras's functions give them.
TENSOR_PARAMETERS = frozenset({
    "a", "b", "x", "x1", "x2", "xs", "y", "key", "index", "indices", "condition", "inputs", "operands",
    "tensors", "constant_values", "kernel", "depthwise_kernel", "pointwise_kernel", "weights", "target",
    "output", "targets", "predictions", "bins", "query", "value", "bias", "mask", "scale", "fill_value",
    "start", "stop", "rtol", "atol", "q", "abs_", "angle", "array", "values", "updates", "sorted_sequence",
    "data", "segment_ids", "condlist", "choicelist", "default", "start_indices", "variable"})
# ... except in the ops whose Keras class takes that name as a constructor argument.
_OPTIONS_OF = {"allclose": {"rtol", "atol"}, "bincount": {"weights"}, "histogram": {"bins"},
               "squareplus": {"b"}, "trapezoid": {"x"}, "unique": {"fill_value"}}

# Keras's module for the class of an op, by the minikeras module that defines the function.
_KERAS_MODULES = {"core": "keras.src.ops.numpy", "numpy": "keras.src.ops.numpy",
                  "indexing": "keras.src.ops.numpy", "nan_reductions": "keras.src.ops.numpy",
                  "bitwise": "keras.src.ops.numpy", "activations": "keras.src.ops.nn",
                  "nn_functions": "keras.src.ops.nn", "math": "keras.src.ops.math",
                  "linalg": "keras.src.ops.linalg", "signal": "keras.src.ops.math",
                  "control_flow": "keras.src.ops.core"}

# Public names whose Keras op class is spelled differently (aliases in Keras as here).
_KERAS_NAMES = {"getitem": "get_item", "abs": "absolute", "swish": "silu", "hard_swish": "hard_silu"}

# Ops whose Keras class lives in another module than their family's, or is not spelled as
# the CamelCase of the op's name (read from Keras 3's ``keras.src.ops`` modules).
_KERAS_MODULE_OF = dict.fromkeys(["cast", "saturate_cast", "scatter", "scatter_update", "slice", "slice_update",
                                  "stop_gradient", "unstack"], "keras.src.ops.core")
_KERAS_MODULE_OF.update(dict.fromkeys(["erf", "erfc", "erfinv", "rsqrt", "logdet", "view_as_complex",
                                       "view_as_real", "cdist"], "keras.src.ops.math"))
_KERAS_MODULE_OF.update(histogram="keras.src.ops.numpy", slogdet="keras.src.ops.numpy", polar="keras.src.ops.nn")
_KERAS_CLASSES = {"allclose": "AllClose", "cdist": "CDist", "fft": "FFT", "fft2": "FFT2", "ifft2": "IFFT2",
                  "rfft": "RFFT", "irfft": "IRFFT", "stft": "STFT", "svd": "SVD", "isin": "IsIn",
                  "searchsorted": "SearchSorted", "psnr": "PSNR"}

_tracing_depth = 0


@contextlib.contextmanager
def tracing():
    """Inside: ops on symbolic tensors only work out shapes and record no node. A layer's
    ``call()`` runs inside while its output shape is found (``Layer._symbolic_call``)."""
    global _tracing_depth
    _tracing_depth += 1
    try:
        yield
    finally:
        _tracing_depth -= 1


def is_tracing():
    return _tracing_depth > 0


def snake_to_class_name(name):
    """``expand_dims`` -> ``ExpandDims``, the spelling of Keras's op classes."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def class_to_snake_name(class_name):
    """``ExpandDims`` -> ``expand_dims``, ``Log1p`` -> ``log1p`` (Keras's ``to_snake_case``),
    ``FFT`` -> ``fft``: the name of the op function a Keras op class stands for."""
    for op_name, spelled in _KERAS_CLASSES.items():
        if spelled == class_name:
            return op_name
    return backend.to_snake_case(class_name)


class Operation:
    """One call of an op function inside a graph: the function, its options, its name.

    Like a layer it has ``name``, ``_inbound_nodes`` and ``_outbound_nodes`` (the graph is
    walked through nodes); unlike a layer it has no weights, no ``build`` and no mask, and
    ``model.layers`` does not list it (``model.operations`` does), as in Keras 3."""

    def __init__(self, fn, options=None, name=None, op_name=None):
        self.fn = fn
        self.options = dict(options or {})
        # The public name the op was called by (``ops.abs`` is made by a factory whose
        # functions share one ``__name__``), in Keras's spelling: ``add``, ``get_item``.
        op_name = op_name or fn.__name__
        self.op_name = _KERAS_NAMES.get(op_name, op_name)
        self.name = name or f"{self.op_name}_{backend.get_uid(self.op_name)}"
        self._inbound_nodes = []
        self._outbound_nodes = []

    trainable_weights = non_trainable_weights = weights = ()
    built = True

    @property
    def class_name(self):
        """Keras's class for this op (``Add``, ``Mean``, ``TrueDivide``)."""
        return _KERAS_CLASSES.get(self.op_name) or snake_to_class_name(self.op_name)

    @property
    def keras_module(self):
        if self.op_name in _KERAS_MODULE_OF:
            return _KERAS_MODULE_OF[self.op_name]
        return _KERAS_MODULES.get(self.fn.__module__.rsplit(".", 1)[-1], "keras.src.ops.numpy")

    def count_params(self):
        return 0

    # What a summary row or a plot box shows, read from the op's one call.
    trainable = False   # nothing in it to train

    def _node_tensors(self, which):
        if not self._inbound_nodes:
            raise AttributeError(f"Operation {self.name} has not been called on tensors yet.")
        return getattr(self._inbound_nodes[0], which)

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._node_tensors("output_tensors")]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._node_tensors("input_tensors")]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def dtype(self):
        return self._node_tensors("output_tensors")[0].dtype

    def get_config(self):
        """Keras's config of an op: its name and options (the call's tensors live in the node)."""
        return {"name": self.name, **self.options}

    def compute(self, *args, **kwargs):
        """Run the function on values: the node's call arguments with values in place, plus
        the options. On Tensors the tape records the work, so gradients flow through."""
        return _invoke(self.fn, args, kwargs, self.options)

    def __call__(self, *args, **kwargs):
        """Call the op on tensors. On graph tensors it records a node of *this* operation
        (how a config is replayed); otherwise it only computes."""
        if _tracing_depth or not _graph_tensors_in(args, kwargs):
            return self.compute(*args, **kwargs)
        return self.symbolic_call(args, kwargs)

    def symbolic_call(self, args, kwargs):
        """Work out the output tensors (the function's shape rules, without recording), then
        record the call as a ``Node`` of this operation and name the outputs after it."""
        with tracing():
            outputs = self.compute(*args, **kwargs)
        flat = tree.flatten(outputs)
        if not flat or not all(isinstance(t, KerasTensor) for t in flat):
            # A Python answer about the tensors (``ops.size`` of a known shape): nothing to
            # run later, so nothing to record; the answer is returned as it is.
            return outputs
        Node(self, args, kwargs, flat)
        for i, t in enumerate(flat):
            t.name = self.name if len(flat) == 1 else f"{self.name}:{i}"
        return outputs

    def __repr__(self):
        return f"<Operation {self.name} ({self.class_name})>"


def recorded(fn, name):
    """``fn`` (the public op ``ops.<name>``) that records itself in the graph when called on
    graph tensors outside any layer's ``call()``; on anything else it is ``fn`` itself, one
    check of the arguments later."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        # The eager path runs for every op of every training step: one isinstance per
        # argument when nothing could be symbolic (the Tensors and numbers of a layer's call).
        for a in args:
            if isinstance(a, _WORTH_A_LOOK):
                break
        else:
            for v in kwargs.values():
                if isinstance(v, _WORTH_A_LOOK):
                    break
            else:
                return fn(*args, **kwargs)
        if _tracing_depth or not _graph_tensors_in(args, kwargs):
            return fn(*args, **kwargs)
        call_args, call_kwargs, options = split_call(fn, args, kwargs, name)
        return Operation(fn, options, op_name=name).symbolic_call(call_args, call_kwargs)
    op.__name__ = name
    return op


_WORTH_A_LOOK = (KerasTensor, list, tuple, dict)   # what can be or hold a symbolic tensor


def _graph_tensors_in(args, kwargs):
    """True when some argument holds a KerasTensor and every KerasTensor has a history
    (comes from an Input, a layer or an op). A tensor made without one (``KerasTensor(...)``
    directly) makes the result have none either, as in Keras 3: no graph can include it."""
    found = False
    for group in (args, kwargs.values()):
        for a in group:
            if isinstance(a, KerasTensor):
                if a._keras_history is None:
                    return False
                found = True
            elif isinstance(a, (list, tuple, dict)):
                for t in tree.flatten(a):
                    if isinstance(t, KerasTensor):
                        if t._keras_history is None:
                            return False
                        found = True
    return found


@functools.lru_cache(maxsize=None)
def _signature(fn):
    return inspect.signature(fn)


def _holds_tensor(value):
    return any(isinstance(t, KerasTensor) for t in tree.flatten(value))


def split_call(fn, args, kwargs, op_name=None):
    """``(call args, call kwargs, options)`` of ``fn(*args, **kwargs)`` (see the module doc):
    call arguments positional in the signature's order (keyword-only ones by name); the
    options include the defaults of those not given."""
    bound = _signature(fn).bind(*args, **kwargs)
    tensor_parameters = TENSOR_PARAMETERS - _OPTIONS_OF.get(op_name or fn.__name__, set())
    call_args, call_kwargs, options = [], {}, {}
    for name, value in bound.arguments.items():
        kind = _signature(fn).parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            call_args.extend(value)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            options.update(value)
        elif name in tensor_parameters or _holds_tensor(value):
            if kind is inspect.Parameter.KEYWORD_ONLY:
                call_kwargs[name] = value
            else:
                call_args.append(value)
        else:
            options[name] = value
    # Options left at their defaults are written too, as Keras's op classes keep every
    # constructor argument (``Mean`` has ``keepdims: false`` in its config).
    for name, p in _signature(fn).parameters.items():
        if (name not in bound.arguments and name not in tensor_parameters and p.default is not p.empty
                and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)):
            options[name] = p.default
    return call_args, call_kwargs, options


def _invoke(fn, args, kwargs, options):
    """``fn`` called with its call arguments and options put back in their parameters.

    The reverse of ``split_call``: walking the signature, each parameter takes its option,
    or else the next call argument; a parameter left out (its default) makes the ones after
    it go by name. A ``*operands`` parameter takes every call argument left."""
    args = list(args)
    positional, named = [], dict(kwargs)
    by_name = False
    for p in _signature(fn).parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            positional += args
            args = []
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD or p.name in named:
            by_name = by_name or p.name in named
            continue
        if p.name in options:
            value = options[p.name]
        elif args and p.kind is not inspect.Parameter.KEYWORD_ONLY:
            value = args.pop(0)
        else:
            by_name = True
            continue
        if by_name or p.kind is inspect.Parameter.KEYWORD_ONLY:
            named[p.name] = value
        else:
            positional.append(value)
    extra = {k: v for k, v in options.items() if k not in _signature(fn).parameters}
    if args or (extra and not any(p.kind is inspect.Parameter.VAR_KEYWORD
                                  for p in _signature(fn).parameters.values())):
        raise TypeError(f"ops.{fn.__name__}{_signature(fn)} cannot take the recorded arguments "
                        f"{len(args)} extra positional, options {sorted(extra)}.")
    named.update(extra)
    return fn(*positional, **named)
