"""Activations by name, as in ``Dense(10, activation='relu')``."""
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


def softmax(x, axis=-1):
    return _ops.softmax(x, axis=axis)


_BY_NAME = {
    "relu": relu, "sigmoid": sigmoid, "tanh": tanh, "linear": linear, "elu": elu, "selu": selu,
    "softplus": softplus, "softsign": softsign, "silu": silu, "swish": swish, "gelu": gelu,
    "hard_sigmoid": hard_sigmoid, "exponential": exponential, "relu6": relu6,
    "leaky_relu": leaky_relu, "softmax": softmax, "log_softmax": log_softmax,
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
