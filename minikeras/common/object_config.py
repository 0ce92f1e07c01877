"""The Keras 3 config of a small object (initializer, regularizer, loss, metric, optimizer,
schedule): ``{"module", "class_name", "config", "registered_name"}``, and back."""


def object_config(obj, module):
    """``obj`` as Keras 3 writes it; ``module`` is e.g. 'keras.losses'."""
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
            "registered_name": None}


def object_from_config(config, classes, kind, custom_objects=None):
    """Rebuild an object from its config; ``classes`` maps class names to classes."""
    classes = dict(classes, **(custom_objects or {}))
    name = config.get("class_name")
    if name not in classes:
        raise ValueError(f"Could not interpret {kind} config: unknown class {name!r}. "
                         f"Known: {', '.join(sorted(classes))}.")
    return classes[name].from_config(config.get("config", {}))
