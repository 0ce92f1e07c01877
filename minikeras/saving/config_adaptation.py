"""Configs written by Keras, made into minikeras's constructor arguments.

Keras 3 writes options minikeras does not implement; each is dropped when its value
means "off" and refused otherwise, never silently ignored. Keras adds bookkeeping of its
own (shared-object ids, unset initializer options) that is removed.
"""
import inspect

from .. import tree
from ..engine.layer import _ALLOWED_KWARGS, Layer
from ..engine.model import Functional, Model
from ..engine.sequential import Sequential


# Options Keras 3 writes that minikeras does not implement. Each is dropped when it has
# the value that means "off"; any other value is an error, not silently ignored.
def _off(value):
    return lambda v, config: v == value


_KERAS_ONLY_OPTIONS = {
    "quantization_config": _off(None),
    "lora_rank": _off(None),
    "lora_alpha": _off(None),
    "renorm": _off(False),
    "renorm_clipping": _off(None),
    "renorm_momentum": lambda v, config: not config.get("renorm"),
    "ragged": _off(False),
    "optional": _off(False),
    "output_shape_type": lambda v, config: True,
    "output_shape_module": lambda v, config: True,
    "mask": _off(None),
    "data_format": lambda v, config: v in (None, "channels_last"),
}


def _accepted_arguments(cls):
    names = set(_ALLOWED_KWARGS)
    for klass in cls.__mro__:
        if klass is Layer or klass is object:
            break
        if "__init__" in vars(klass):
            params = inspect.signature(klass.__init__).parameters.values()
            names.update(p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
    return names


def adapt_builtin_config(cls, class_name, config):
    """Drop Keras-only options that are off; refuse the ones that are on."""
    if cls in (Model, Functional, Sequential):
        return config
    accepted = _accepted_arguments(cls)
    adapted = {}
    for key, value in config.items():
        if key in accepted:
            adapted[key] = value
        elif key in _KERAS_ONLY_OPTIONS and _KERAS_ONLY_OPTIONS[key](value, config):
            continue
        else:
            raise ValueError(
                f"Layer '{config.get('name', '?')}' ({class_name}): the config sets {key}={value!r}, "
                f"an option of Keras's {class_name} that minikeras does not implement.")
    return adapted


_INITIALIZER_EXTRAS = ("input_axes", "output_axes")


def clean(value):
    """Remove what Keras adds for its own bookkeeping: shared-object ids, and the
    initializer options ``input_axes``/``output_axes`` when unset.

    A ``tree.traverse`` bottom up: each dict of the config, its items already clean, is
    rewritten as a record (keys dropped), which a same-shape ``map_structure`` could not do.
    """
    return tree.traverse(_clean_record, value, top_down=False)


def _clean_record(value):
    """One dict of ``clean``'s walk without Keras's bookkeeping (None for anything else: kept)."""
    if not isinstance(value, dict):
        return None
    cleaned = {k: v for k, v in value.items() if k != "shared_object_id"}
    if str(cleaned.get("module", "")).startswith("keras.initializers") and isinstance(cleaned.get("config"), dict):
        inner = cleaned["config"]
        for key in _INITIALIZER_EXTRAS:
            if key in inner:
                if inner[key] is not None:
                    raise ValueError(f"Initializer {cleaned.get('class_name')} sets {key}={inner[key]!r}, "
                                     "which minikeras does not implement.")
                inner = {k: v for k, v in inner.items() if k != key}
        cleaned["config"] = inner
    return cleaned
