"""Activations by name, as in ``Dense(10, activation='relu')``.

Each is an op from ``minikeras.ops`` (differentiable, eager and symbolic); the ones with
parameters (``celu``'s alpha, ``glu``'s axis, ...) keep Keras's defaults, so a name alone
means what it means in Keras.
"""
from .common import registration as _registration
from .ops import activations as _ops

relu = _ops.relu
sigmoid = _ops.sigmoid
tanh = _ops.tanh
linear = _ops.linear
elu = _ops.elu
selu = _ops.selu
softplus = _ops.softplus
softsign = _ops.softsign
silu = swish = _ops.silu
gelu = _ops.gelu
hard_sigmoid = _ops.hard_sigmoid
exponential = _ops.exponential
relu6 = _ops.relu6
leaky_relu = _ops.leaky_relu
log_softmax = _ops.log_softmax
softmax = _ops.softmax  # the op itself, as relu is: Dense(activation='softmax') fuses it (ops.nn)
mish = _ops.mish
hard_silu = hard_swish = _ops.hard_silu
hard_tanh = _ops.hard_tanh
log_sigmoid = _ops.log_sigmoid
sparse_plus = _ops.sparse_plus
sparse_sigmoid = _ops.sparse_sigmoid
tanh_shrink = _ops.tanh_shrink


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    return _ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: ``axis`` split in halves a, b; a * sigmoid(b)."""
    return _ops.glu(x, axis=axis)


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    return _ops.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold=0.5):
    """x moved towards 0 by ``threshold``, and 0 within it."""
    return _ops.soft_shrink(x, threshold=threshold)


def sparsemax(x, axis=-1):
    """Like softmax a probability distribution, but with exact zeros for small entries."""
    return _ops.sparsemax(x, axis=axis)


def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2, a smooth relu."""
    return _ops.squareplus(x, b=b)


def threshold(x, threshold, default_value):
    """x where x > threshold, else ``default_value``."""
    return _ops.threshold(x, threshold, default_value)


_BY_NAME = {
    "relu": relu, "sigmoid": sigmoid, "tanh": tanh, "linear": linear, "elu": elu, "selu": selu,
    "softplus": softplus, "softsign": softsign, "silu": silu, "swish": swish, "gelu": gelu,
    "hard_sigmoid": hard_sigmoid, "exponential": exponential, "relu6": relu6,
    "leaky_relu": leaky_relu, "softmax": softmax, "log_softmax": log_softmax,
    "celu": celu, "glu": glu, "hard_shrink": hard_shrink, "hard_silu": hard_silu,
    "hard_swish": hard_swish, "hard_tanh": hard_tanh, "log_sigmoid": log_sigmoid, "mish": mish,
    "soft_shrink": soft_shrink, "sparse_plus": sparse_plus, "sparse_sigmoid": sparse_sigmoid,
    "sparsemax": sparsemax, "squareplus": squareplus, "tanh_shrink": tanh_shrink,
    "threshold": threshold,
}


def get(identifier):
    """The activation function for a name, a callable, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown activation function: {identifier!r}. Known activations: "
                             f"{', '.join(sorted(_BY_NAME))}.")
        return _BY_NAME[identifier]
    if isinstance(identifier, dict):
        return get(identifier.get("config", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}.")


def serialize(activation):
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", str(activation))


def deserialize(config, custom_objects=None):
    """The activation ``config`` names: what ``serialize`` returned (a name) or Keras's function
    dict (``{"class_name": "function", "config": "relu", ...}``). The name is looked up as Keras
    does: open ``custom_object_scope``s, functions registered with
    ``register_keras_serializable`` (``'my_package>my_fn'``), ``custom_objects``, then the
    built-in activations."""
    name = config
    if isinstance(config, dict):
        if config.get("class_name") != "function" or not isinstance(config.get("config"), str):
            raise ValueError(f"activations.deserialize: expected an activation's name or a function config "
                             f"{{'class_name': 'function', 'config': <name>}}, received {config!r}.")
        name = config["config"]
    if not isinstance(name, str):
        raise ValueError(f"activations.deserialize: expected an activation's name or a function config, "
                         f"received {config!r}.")
    found = _registration.get_registered_object(name, custom_objects, _BY_NAME)
    if not callable(found):
        raise ValueError(f"activations.deserialize: unknown activation {name!r}. Known activations: "
                         f"{', '.join(sorted(_BY_NAME))}; pass your own in custom_objects or register it.")
    return found
