"""Custom objects: how a saved config finds user classes such as a custom layer.

A config names a class by ``class_name`` and, for user classes, ``registered_name``.
Loading looks the name up, in order, in the ``custom_objects`` passed to the loading
call, in any open ``custom_object_scope``, and in the classes registered with
``@register_keras_serializable``; built-in layers come last.
"""

_GLOBAL_CUSTOM_OBJECTS = {}   # registered name -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> registered name
_SCOPES = []                  # open custom_object_scope dicts, innermost last


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a class or function loadable without ``custom_objects``.

    It is registered as ``'package>name'`` (``name`` defaults to the class name)."""
    def decorator(obj):
        registered_name = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj
    return decorator


def get_registered_name(obj):
    """The name ``obj`` is registered under, else its own ``__name__`` (as Keras does)."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function known as ``name``, or None: open scopes first, then the
    registered objects, then ``custom_objects``, then ``module_objects`` (Keras's order)."""
    for scope in reversed(_SCOPES):
        if name in scope:
            return scope[name]
    for table in (_GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The global dict of registered objects (editable, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with custom_object_scope({'MyLayer': MyLayer}):`` loads see these names too."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _SCOPES.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _SCOPES.remove(self.custom_objects)


custom_object_scope = CustomObjectScope


def all_custom_objects(custom_objects=None):
    """Every name a load can resolve: the call's own dict wins over scopes and registrations."""
    merged = dict(_GLOBAL_CUSTOM_OBJECTS)
    for scope in _SCOPES:
        merged.update(scope)
    merged.update(custom_objects or {})
    return merged
