"""How the engine reaches ``minikeras.saving`` without importing it.

Some methods of engine classes are saving's work: ``model.save``, ``save_weights``,
``load_weights``, ``to_json``, and, inside a model's ``get_config``/``from_config`` (and a
wrapper's), writing and reading each layer's config: class names, custom objects, safe
mode. ``minikeras.saving`` is built on the engine (it reads layers and models), so the
engine cannot import it without making a cycle. Instead ``minikeras.saving`` hands its
functions over here when it is imported, and ``import minikeras`` always imports it.
"""
_PROVIDED = {}


def provide(**functions):
    """Called once, by ``minikeras.saving``, with the functions the engine may call."""
    _PROVIDED.update(functions)


def saving_function(name):
    """The function ``minikeras.saving`` provided as ``name``."""
    try:
        return _PROVIDED[name]
    except KeyError:
        raise RuntimeError(f"minikeras.saving has not provided {name!r}: import minikeras (which "
                           "imports minikeras.saving) before saving or configuring models.") from None
