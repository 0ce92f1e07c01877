"""Optimizers, by name or object: ``compile(optimizer='adam')`` or ``optimizer=RMSprop(1e-3)``."""
from . import schedules
from .adagrad import Adadelta, Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .lion import Lion
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from ..common.object_config import object_config

_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad,
            "adadelta": Adadelta, "nadam": Nadam, "adamax": Adamax, "lion": Lion}


def get(identifier):
    """An Optimizer from a name ('adam'), a config dict, or an Optimizer (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Known optimizers: "
                             f"{sorted(_BY_NAME)}.")
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Pass a name such as "
                     "'rmsprop' or an optimizer object such as keras.optimizers.RMSprop(1e-3).")


def serialize(optimizer):
    return object_config(optimizer, "keras.optimizers")


def deserialize(config, custom_objects=None):
    name = config.get("class_name", "")
    classes = {cls.__name__.lower(): cls for cls in _BY_NAME.values()}
    classes.update({k.lower(): v for k, v in (custom_objects or {}).items()})
    cls = classes.get(name.lower())
    if cls is None:
        raise ValueError(f"Could not interpret optimizer config: unknown class {name!r}.")
    return cls.from_config(config.get("config", {}))
