"""What a layer's ``call()`` accepts, read once per class from its signature.

``Layer.__call__`` and a model's walk pass ``training``, ``mask`` (and ``query_mask``...)
only to a ``call`` that takes them, as Keras does; and the first argument's name tells a
call given ``inputs=`` by keyword from one given a tensor positionally. ``inspect`` is slow,
so each class is read once and remembered.
"""
import inspect

_CALL_ARGUMENTS = {}
_FIRST_PARAMETER = {}


def first_call_parameter(cls):
    """The name of ``call``'s first argument (``inputs``, ``query``...)."""
    if cls not in _FIRST_PARAMETER:
        params = [p for p in inspect.signature(cls.call).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        _FIRST_PARAMETER[cls] = params[1].name if len(params) > 1 else "inputs"
    return _FIRST_PARAMETER[cls]


def call_arguments(cls):
    """The names ``call`` takes (``"**"`` stands for a ``**kwargs``): a layer is passed
    ``training``, ``mask`` and the ``*_mask`` of its inputs only if it takes them."""
    if cls not in _CALL_ARGUMENTS:
        params = inspect.signature(cls.call).parameters.values()
        names = {p.name for p in params}
        if any(p.kind == p.VAR_KEYWORD for p in params):
            names.add("**")
        _CALL_ARGUMENTS[cls] = names
    return _CALL_ARGUMENTS[cls]
