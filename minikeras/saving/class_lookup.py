"""Which class a config names, and which name a class is written under.

A config says ``class_name`` (and, for user classes, ``module`` and ``registered_name``).
Reading looks the name up in the custom objects first (``registration.py``), then among
minikeras's own layers; an unknown name is an error that says how to make it known.
Writing is the reverse: Keras 3's module and registered name for a layer's class.
"""
import sys

from .. import layers
from ..engine.layer import Layer
from ..engine.model import Functional, Model
from ..engine.sequential import Sequential
from ..common import registration


def builtin_layer_classes():
    """Every layer class minikeras ships, by Keras class name."""
    classes = {obj.__name__: obj for obj in vars(layers).values()
               if isinstance(obj, type) and issubclass(obj, Layer) and obj is not Layer}
    classes.update(Functional=Functional, Model=Model, Sequential=Sequential)
    return classes


def keras_class_name(layer):
    """The class name Keras 3 writes for ``layer`` (a graph model is a ``Functional``)."""
    return type(layer).__name__


def is_builtin(cls):
    return cls in (Model, Functional, Sequential) or getattr(layers, cls.__name__, None) is cls


def module_and_registered_name(layer):
    cls = type(layer)
    if cls is Functional:
        return "keras.src.models.functional", "Functional"
    if cls is Sequential:
        return "keras", None
    if is_builtin(cls):
        return "keras.layers", None
    module = None if cls.__module__ == "__main__" else cls.__module__
    if module and module.startswith("minikeras.applications."):   # Keras's own module, as Keras writes it
        module = "keras.src." + module[len("minikeras."):]
    return module, registration.get_registered_name(cls)


def find_class(config, custom_objects):
    class_name = config["class_name"]
    registered_name = config.get("registered_name")
    objects = registration.all_custom_objects(custom_objects)
    for key in (registered_name, class_name):
        if key and key in objects:
            return objects[key]
    module = config.get("module")
    # Keras 2 configs have no "module"; Keras 3 writes one for built-in classes.
    builtin_module = "module" not in config or (module or "").split(".")[0] in ("keras", "minikeras")
    builtins = builtin_layer_classes()
    if builtin_module and class_name in builtins:
        return builtins[class_name]
    found = _class_of_imported_module(module, class_name)
    if found is not None:
        return found
    name = (config.get("config") or {}).get("name", config.get("name", "?"))
    if "module" not in config:  # a Keras 2 config does not say whose class it is
        raise UnknownLayerError(
            f"Unknown layer class '{class_name}' (layer '{name}'): it is not a minikeras layer. If it is "
            f"your own class, pass it when loading, e.g. custom_objects={{'{class_name}': {class_name}}}, "
            "or register it with @keras.saving.register_keras_serializable(); if it is a Keras layer, "
            "minikeras does not implement it.")
    if (module or "").startswith("keras.src.ops"):
        # Keras 3 writes keras.ops called on symbolic tensors as graph nodes: a functional
        # model's config reads them (engine/functional_config.py), but they are not layers.
        raise UnknownLayerError(
            f"Unknown layer class '{class_name}' (node '{name}', module {module!r}): it is an operation "
            "of keras.ops, called on symbolic tensors, which Keras writes as a node of a functional "
            "model's graph. It is read as part of that model's config (keras.Model.from_config or "
            "load_model), not as a layer on its own.")
    if builtin_module:
        raise UnknownLayerError(
            f"Unknown layer class '{class_name}' (layer '{name}'): it is a Keras class that minikeras "
            f"does not implement. minikeras layers: {', '.join(sorted(builtins))}.")
    raise UnknownLayerError(
        f"Unknown layer class '{class_name}' (layer '{name}', module {module!r}). It is not a minikeras "
        f"layer: pass your class when loading, e.g. custom_objects={{'{class_name}': {class_name}}} "
        "(to load_model, model_from_json or from_config), or decorate it with "
        "@keras.saving.register_keras_serializable().")


def _class_of_imported_module(module, class_name):
    """A layer class of one of minikeras's own modules outside ``layers``, such as ConvNeXt's
    ``LayerScale`` in ``applications/convnext.py``, named by its module as Keras writes it
    (``keras.src.applications.convnext``) or as minikeras does (``minikeras.applications...``).

    Keras imports the module a config names. minikeras looks only among the modules already
    imported (``import minikeras`` imports them all), so saving, which sits below applications
    in the package's layers, needs no import of them."""
    if not module:
        return None
    name = "minikeras." + module[len("keras.src."):] if module.startswith("keras.src.") else module
    if not name.startswith("minikeras."):
        return None
    found = getattr(sys.modules.get(name), class_name, None)
    return found if isinstance(found, type) and issubclass(found, Layer) else None


class UnknownLayerError(TypeError):
    """A config names a class that is neither a minikeras layer nor a given custom object."""
