"""``minikeras.models``: Model, Sequential, and loading."""
from .engine.functional import Functional, Model
from .engine.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    from .saving import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    from .saving import model_from_json as _from_json
    return _from_json(json_string, custom_objects=custom_objects)


def clone_model(model, input_tensors=None, clone_function=None):
    from .saving import clone_model as _clone
    return _clone(model, input_tensors=input_tensors, clone_function=clone_function)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Keras 3's ``keras.models.save_model``: a ``.keras`` zip file (or a legacy ``.h5``)."""
    if zipped is False:
        raise ValueError("minikeras writes .keras files zipped only; received zipped=False.")
    from .saving import save_model as _save  # imported here: saving imports the engine this module exports
    return _save(model, filepath, overwrite=overwrite, **kwargs)
