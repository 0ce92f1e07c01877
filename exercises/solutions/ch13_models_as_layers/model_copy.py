"""Chapter 13, exercise ch13.model_copy: reference solution."""

import minikeras as keras


def unique_weights(model):
    """Reference solution: depth-first over the layers, first occurrence wins."""
    found, seen = [], set()

    def visit(layer):
        for w in layer._own_trainable + layer._own_non_trainable:
            if id(w) not in seen:
                seen.add(id(w))
                found.append(w)
        sublayers = layer.layers if isinstance(layer, keras.Model) else layer._tracked_layers
        for sub in sublayers:
            visit(sub)

    for layer in model.layers:
        visit(layer)
    return found


def copy_model(model):
    """Reference solution: rebuild from the config, then copy the values."""
    copy = keras.Model.from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy
