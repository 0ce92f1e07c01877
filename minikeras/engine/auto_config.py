"""Keras 3's automatic config: a user's class without ``get_config()`` is still saved.

``Layer.__new__`` keeps the arguments every layer (and model) was constructed with, as Keras
3's ``Operation.__new__`` does. When a class of the user's does not define ``get_config``,
its config is those arguments, so ``cls(**config)`` rebuilds it on loading. That works only
for plain values; anything else (a layer object, a numpy array, a function) gets Keras's
error telling the user to write ``get_config``.
"""
import inspect

from .. import tree


def constructor_config(layer):
    """Keras 3's config of a class without ``get_config()``: the constructor's arguments
    (defaults included, ``**kwargs`` spread out, ``name`` left to the base config), when
    every one is a plain value (str, int, float, bool, None, or lists/dicts of them), so
    that ``cls(**config)`` rebuilds the object. Otherwise a clear error, as Keras raises."""
    cls = type(layer)
    args, kwargs = getattr(layer, "_constructor_arguments", ((), {}))
    signature = inspect.signature(cls.__init__)
    params = list(signature.parameters.values())
    if any(p.kind == p.POSITIONAL_ONLY for p in params[1:]) or \
            any(p.kind == p.VAR_POSITIONAL for p in params) and len(args) > _named_positionals(params):
        raise NotImplementedError(
            f"Object {cls.__name__} was created with positional-only or variadic positional "
            "arguments (*args) to __init__(), which the automatic config cannot record. Remove them "
            f"from __init__(), or override get_config() (and from_config()).{_GET_CONFIG_EXAMPLE}")
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError as e:
        raise NotImplementedError(f"Object {cls.__name__}: its constructor's arguments cannot be "
                                  f"recorded ({e}); override get_config().{_GET_CONFIG_EXAMPLE}") from None
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(params[0].name)
    for p in params:
        if p.kind == p.VAR_KEYWORD:
            arguments.update(arguments.pop(p.name, {}))
        elif p.kind == p.VAR_POSITIONAL:
            arguments.pop(p.name, None)
    arguments.pop("name", None)
    bad = [(k, v) for k, v in arguments.items()
           if not all(isinstance(leaf, (str, int, float, bool, type(None))) for leaf in tree.flatten(v))]
    if bad:
        key, value = bad[0]
        raise NotImplementedError(
            f"Object {cls.__name__} was created by passing non-serializable argument values in "
            f"__init__() ({key}={short_repr(value)}), and therefore the object must override "
            f"get_config() in order to be serializable.{_GET_CONFIG_EXAMPLE}")
    return arguments


_GET_CONFIG_EXAMPLE = """ For example:

    class CustomLayer(keras.layers.Layer):
        def __init__(self, arg1, arg2, **kwargs):
            super().__init__(**kwargs)
            self.arg1, self.arg2 = arg1, arg2

        def get_config(self):
            return {**super().get_config(), "arg1": self.arg1, "arg2": self.arg2}"""


def _named_positionals(params):
    return sum(1 for p in params[1:] if p.kind == p.POSITIONAL_OR_KEYWORD)


def short_repr(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
