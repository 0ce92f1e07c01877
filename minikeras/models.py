"""``minikeras.models``: Model, Sequential, and loading and saving whole models."""
from .engine.model import Functional, Model
from .engine.sequential import Sequential
from .saving import clone_model, load_model, model_from_json
from .saving import save_model as _save_model


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Keras 3's ``keras.models.save_model``: a ``.keras`` zip file (or a legacy ``.h5``)."""
    if zipped is False:
        raise ValueError("minikeras writes .keras files zipped only; received zipped=False.")
    return _save_model(model, filepath, overwrite=overwrite, **kwargs)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json", "save_model"]
