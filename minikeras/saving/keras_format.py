"""The Keras 3 ``.keras`` file, and ``.weights.h5`` weight files.

A ``.keras`` file is a zip archive holding::

    metadata.json      {"keras_version": ..., "date_saved": "%Y-%m-%d@%H:%M:%S"}
    config.json        the model's config (serialization.serialize_layer), with compile_config
    model.weights.h5   the variables, one HDF5 group per object

Keras does not address weights by layer name (names are generated and change between
runs) but by position: a model's layers go under ``layers/<class name in snake case>``,
made unique in ``model.layers`` order (``dense``, ``dense_1``, ...); each object's own
variables are the datasets ``vars/0``, ``vars/1``... in creation order. Objects inside
objects follow the attribute that holds them: an LSTM's weights live in its ``cell``
(``layers/lstm/cell/vars``), a Bidirectional's in ``forward_layer`` and
``backward_layer``, a TimeDistributed's in ``layer``, a nested model's under its own
``layers/``. The optimizer's variables are ``optimizer/vars``. ``.weights.h5`` files
use the same layout without the zip.

Loading checks everything (every group present, right number of arrays, right shapes)
before assigning anything, so a bad file leaves the model as it was.
"""
import datetime
import io
import json
import os
import re
import types
import warnings
import zipfile

import numpy as np

from ..common import registration
from ..common.registration import CustomObjectScope
from ..engine.layer import Layer
from ..engine.model import Functional
from ..engine.trainer import Trainer
from ..layers.recurrent import RNNBase
from ..layers.wrappers import Bidirectional, Wrapper
from ..version import __version__
from . import serialization
from .files import atomic_write, check_readable
from .functions import is_builtin_function, serialize_function
from .object_serialization import deserialize_keras_object

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
# The Keras release whose file layout this module writes (the file is also stamped minikeras's).
KERAS_FORMAT_VERSION = "3.15.1"


def _h5py():
    try:
        import h5py   # imported at the first weights file, not with minikeras: h5py is heavy
    except ImportError:  # pragma: no cover - h5py is a dependency
        raise ImportError("Saving and loading weights requires h5py: pip install h5py.") from None
    return h5py


# ------------------------------------------------------------------ the layout
def snake_case(name):
    """Keras 3's path names: 'BatchNormalization' -> 'batch_normalization', 'Conv2D' -> 'conv2d'."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class _UniqueNames:
    """``dense``, ``dense_1``, ``dense_2``... within one container."""

    def __init__(self):
        self.used = {}

    def __call__(self, name):
        if name in self.used:
            self.used[name] += 1
            return f"{name}_{self.used[name]}"
        self.used[name] = 0
        return name


def _join(*parts):
    return "/".join(p for p in parts if p)


_BASE_ATTRIBUTES = None


def _base_attributes():
    """Attributes every Layer has; Keras skips these when looking for nested objects."""
    global _BASE_ATTRIBUTES
    if _BASE_ATTRIBUTES is None:
        _BASE_ATTRIBUTES = set(vars(Layer(name="probe"))) | {"_outer"}
    return _BASE_ATTRIBUTES


def _attribute_children(layer):
    """(attribute, value) for the layers (or lists of layers) a custom layer holds,
    sorted as Keras visits them: public names first, each group alphabetically."""
    skip = _base_attributes()
    found = []
    for attr, value in vars(layer).items():
        if attr in skip or attr.startswith("__"):
            continue
        if isinstance(value, Layer) or (isinstance(value, (list, tuple, dict)) and any(
                isinstance(v, Layer) for v in (value.values() if isinstance(value, dict) else value))):
            found.append((attr, value))
    return sorted(found, key=lambda item: "~" + item[0] if item[0].startswith("_") else item[0])


class OwnState(list):
    """The variables of a layer that saves its own state (``save_own_variables`` /
    ``load_own_variables``, e.g. a lookup table kept as an array): the layer writes and
    reads its ``vars`` group itself, so this group is never skipped as empty."""

    def __bool__(self):
        return True


def _saves_own_state(layer):
    return callable(getattr(layer, "save_own_variables", None)) and \
        callable(getattr(layer, "load_own_variables", None))


def state_groups(model, optimizer=True):
    """Every HDF5 group Keras 3 writes for ``model``: a list of (path, owner, variables)."""
    groups = []
    visited = set()
    if isinstance(model, Functional):
        _model_groups(model, "", groups, visited)
    else:   # a subclassed model: its layers are found by the attributes that hold them
        _layer_groups(model, "", groups, visited)
    opt = getattr(model, "optimizer", None) if optimizer else None
    if opt is not None and hasattr(opt, "variables"):
        groups.append(("optimizer", opt, list(opt.variables)))
    return groups


def _model_groups(model, path, groups, visited):
    groups.append((path, model, []))
    names = _UniqueNames()
    for layer in model.layers:
        _layer_groups(layer, _join(path, "layers", names(snake_case(serialization.keras_class_name(layer)))),
                      groups, visited)


def _own_variables(layer):
    return list(layer._own_trainable) + list(layer._own_non_trainable)


def _layer_groups(layer, path, groups, visited):
    if id(layer) in visited:  # a layer reached twice is written once, where first met
        return
    visited.add(id(layer))
    if isinstance(layer, Functional):
        _model_groups(layer, path, groups, visited)
    elif isinstance(layer, RNNBase):
        # Keras's recurrent layers keep their weights in a cell object.
        groups.append((path, layer, []))
        groups.append((_join(path, "cell"), layer, _own_variables(layer)))
    elif isinstance(layer, Bidirectional):
        groups.append((path, layer, []))
        _layer_groups(layer.forward_layer, _join(path, "forward_layer"), groups, visited)
        _layer_groups(layer.backward_layer, _join(path, "backward_layer"), groups, visited)
    elif isinstance(layer, Wrapper):
        # a wrapper's own variables (SpectralNormalization's kernel and vector_u), then its layer's
        groups.append((path, layer, _own_variables(layer)))
        _layer_groups(layer.layer, _join(path, "layer"), groups, visited)
    else:
        variables = _own_variables(layer)
        groups.append((path, layer, OwnState(variables) if _saves_own_state(layer) else variables))
        for attr, value in _attribute_children(layer):
            _child_groups(value, _join(path, attr), groups, visited)


def _child_groups(value, path, groups, visited):
    if isinstance(value, Layer):
        _layer_groups(value, path, groups, visited)
        return
    names = _UniqueNames()
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, Layer):
            _layer_groups(item, _join(path, names(snake_case(serialization.keras_class_name(item)))),
                          groups, visited)
        elif isinstance(item, (list, tuple, dict)):
            _child_groups(item, _join(path, names("container")), groups, visited)


# ------------------------------------------------------------------ writing and reading variables
def _vars_path(path):
    return _join(path, "vars")


def write_variables(h5file, groups):
    for path, owner, variables in groups:
        group = h5file.require_group(_vars_path(path))
        name = getattr(owner, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        if isinstance(variables, OwnState):
            store = {}
            owner.save_own_variables(store)
            for key, value in store.items():
                group.create_dataset(str(key), data=np.asarray(value.value if hasattr(value, "value") else value))
            continue
        for i, var in enumerate(variables):
            group.create_dataset(str(i), data=np.asarray(var.value if hasattr(var, "value") else var))


def read_variables(h5file, groups, source):
    """Check the file against ``groups`` and return [(variable, array)], assigning nothing."""
    assignments = []
    for path, owner, variables in groups:
        if not variables:
            continue
        where = _vars_path(path)
        what = _describe(owner)
        if where not in h5file:
            raise ValueError(
                f"{source} has no weights for {what}: the entry '{where}' is missing (expected "
                f"{len(variables)} arrays of shapes {[tuple(v.shape) for v in variables]}). The file "
                "was saved from a different model, or is incomplete.")
        group = h5file[where]
        if isinstance(variables, OwnState):   # the layer reads its own group, after every check
            assignments.append((owner, {key: np.asarray(group[key][()]) for key in group.keys()}))
            continue
        keys = sorted(group.keys(), key=lambda k: int(k) if k.isdigit() else -1)
        if len(keys) != len(variables) or keys != [str(i) for i in range(len(keys))]:
            raise ValueError(
                f"{what} expects {len(variables)} weight arrays "
                f"({', '.join(str(tuple(v.shape)) for v in variables)}), but {source} has "
                f"{len(keys)} at '{where}'.")
        for i, var in enumerate(variables):
            array = group[str(i)][()]
            array = np.asarray(array)
            if tuple(array.shape) != tuple(var.shape):
                raise ValueError(
                    f"Shape mismatch for {what}, weight '{getattr(var, 'name', i)}': expected shape "
                    f"{tuple(var.shape)}, received shape {tuple(array.shape)} from {source} "
                    f"('{where}/{i}').")
            assignments.append((var, array))
    return assignments


def _describe(owner):
    name = getattr(owner, "name", None)
    return f"layer '{name}' ({type(owner).__name__})" if isinstance(name, str) else type(owner).__name__


def _assign(assignments):
    for target, value in assignments:
        if isinstance(value, dict):   # a layer with load_own_variables (see OwnState)
            target.load_own_variables(value)
        else:
            target.assign(value)


def _check_built(model, action):
    if not model.built:
        raise ValueError(
            f"Model {model.name} is not built, so it has no weights to {action}. Build it first: give "
            "its first layer an input shape, call model.build(input_shape), or call it on data.")


# ------------------------------------------------------------------ compile state
def get_compile_config(model):
    """The ``compile_config`` Keras stores, if the model was compiled and can describe it.

    With the engine's own ``get_compile_config``, a user function given as a loss or metric
    is written as Keras's function dict (the engine knows only its name); a model that
    overrides ``get_compile_config`` is written exactly as it says."""
    if not getattr(model, "compiled", False):
        return None
    getter = getattr(model, "get_compile_config", None)
    if getter is None:
        return None
    config = getter()
    args = getattr(model, "_compile_args", None)
    if config is None or args is None or type(model).get_compile_config is not Trainer.get_compile_config:
        return config
    config = dict(config)
    for key in ("loss", "metrics", "weighted_metrics"):
        config[key] = _user_functions(args.get(key), config.get(key))
    return config


def _user_functions(given, written):
    """``written`` with each user function found at the same place in ``given`` as a function dict."""
    if isinstance(given, types.FunctionType) and not is_builtin_function(given):
        return serialize_function(given)
    if isinstance(given, dict) and isinstance(written, dict):
        return {k: _user_functions(given.get(k), v) for k, v in written.items()}
    if isinstance(given, (list, tuple)) and isinstance(written, list) and len(given) == len(written):
        return [_user_functions(g, w) for g, w in zip(given, written)]
    return written


def compile_from_config(model, compile_config, custom_objects=None):
    """Compile a loaded model from its saved ``compile_config`` and create optimizer slots.

    A model that overrides ``compile_from_config`` receives the config as saved; otherwise
    losses, metrics and the optimizer are rebuilt here, so that user functions and classes
    (registered, in a ``custom_object_scope`` or in ``custom_objects``) are found."""
    restore = getattr(model, "compile_from_config", None)
    if restore is None:
        raise NotImplementedError(
            "This file stores a compile configuration, but this minikeras has no compile(): load it "
            "with compile=False.")
    with CustomObjectScope(custom_objects):
        if type(model).compile_from_config is Trainer.compile_from_config:
            model.compile(**_compile_args(compile_config, custom_objects))
        else:
            restore(compile_config)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_weights)  # slots exist before the saved state is read


def _compile_args(config, custom_objects):
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = deserialize_keras_object(optimizer, custom_objects)
    args = {key: _compile_entry(config.get(key), custom_objects)
            for key in ("loss", "metrics", "weighted_metrics")}
    return dict(optimizer=optimizer, loss_weights=config.get("loss_weights"), **args)


def _compile_entry(value, custom_objects):
    """A saved loss or metric (or a structure of them) as compile accepts it."""
    if value is None:
        return None
    if isinstance(value, str):
        found = registration.get_registered_object(value, custom_objects)
        return found if found is not None else value
    if isinstance(value, dict) and "class_name" in value:
        return deserialize_keras_object(value, custom_objects)
    if isinstance(value, dict):
        return {k: _compile_entry(v, custom_objects) for k, v in value.items()}
    return [_compile_entry(v, custom_objects) for v in value]


# ------------------------------------------------------------------ .keras
def serialize_model(model):
    config = serialization.serialize_layer(model)
    compile_config = get_compile_config(model)
    if compile_config is not None:
        config["compile_config"] = serialization.to_json_safe(compile_config, "the compile configuration")
    return config


def save_model(model, filepath):
    """Write ``model`` to a ``.keras`` zip; the file appears only once it is complete."""
    h5py = _h5py()
    _check_built(model, "save")
    config_json = json.dumps(serialize_model(model))
    metadata_json = json.dumps({"keras_version": KERAS_FORMAT_VERSION, "minikeras_version": __version__,
                                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5file:
        write_variables(h5file, state_groups(model))
    with atomic_write(filepath) as tmp:
        with zipfile.ZipFile(tmp, "w") as archive:
            archive.writestr(METADATA_FILENAME, metadata_json)
            archive.writestr(CONFIG_FILENAME, config_json)
            archive.writestr(WEIGHTS_FILENAME, weights.getvalue())


def _open_archive(filepath):
    filepath = check_readable(filepath, "a .keras model")
    try:
        archive = zipfile.ZipFile(filepath, "r")
        bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise ValueError(f"{filepath!r} is not a valid .keras file (a zip archive): it may be truncated "
                         f"or corrupted ({e}).") from None
    if bad is not None:
        archive.close()
        raise ValueError(f"{filepath!r} is corrupted: the archive member '{bad}' fails its checksum.")
    return archive


def _read_member(archive, name, filepath):
    try:
        return archive.read(name)
    except KeyError:
        raise ValueError(f"{filepath!r} is not a complete .keras file: it has no '{name}' "
                         f"(members: {archive.namelist()}).") from None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild the model in a ``.keras`` file, with its weights (and compile state)."""
    h5py = _h5py()
    with _open_archive(filepath) as archive:
        try:
            config = json.loads(_read_member(archive, CONFIG_FILENAME, filepath))
        except json.JSONDecodeError as e:
            raise ValueError(f"{os.fspath(filepath)!r}: config.json is not valid JSON ({e}).") from None
        weights = _read_member(archive, WEIGHTS_FILENAME, filepath)
    model = serialization.deserialize_layer(config, custom_objects, safe_mode=safe_mode)
    compile_config = config.get("compile_config") if compile else None
    if compile_config:
        compile_from_config(model, compile_config, custom_objects)
    source = f"the weights of {os.fspath(filepath)!r}"
    try:
        with h5py.File(io.BytesIO(weights), "r") as h5file:
            optimizer = bool(compile_config) and "optimizer/vars" in h5file and _optimizer_ready(model, h5file)
            assignments = read_variables(h5file, state_groups(model, optimizer=optimizer), source)
    except OSError as e:
        raise ValueError(f"{source} are not a readable HDF5 file ({e}).") from None
    _assign(assignments)
    return model


# ------------------------------------------------------------------ weights only
def save_weights(model, filepath):
    h5py = _h5py()
    _check_built(model, "save")
    with atomic_write(filepath) as tmp:
        with h5py.File(tmp, "w") as h5file:
            write_variables(h5file, state_groups(model))


def load_weights(model, filepath):
    """Load a ``.weights.h5`` file, or the weights inside a ``.keras`` file, into ``model``."""
    h5py = _h5py()
    _check_built(model, "load")
    path = os.fspath(filepath)
    optimizer = getattr(model, "optimizer", None) is not None and bool(getattr(model.optimizer, "variables", None))
    if path.endswith(".keras"):
        with _open_archive(path) as archive:
            data = io.BytesIO(_read_member(archive, WEIGHTS_FILENAME, path))
    else:
        data = check_readable(path, "a weights")
    source = f"the weights file {path!r}"
    try:
        h5file = h5py.File(data, "r")
    except OSError as e:
        raise ValueError(f"{source} is not a readable HDF5 file: it may be truncated or corrupted ({e}).") \
            from None
    with h5file:
        optimizer = optimizer and "optimizer/vars" in h5file and _optimizer_ready(model, h5file)
        groups = state_groups(model, optimizer=optimizer)
        _assign(read_variables(h5file, groups, source))


def _optimizer_ready(model, h5file):
    """Build a compiled model's optimizer so the saved state fits; if it still does not,
    warn and load only the layers' weights, as Keras 3 does."""
    opt = model.optimizer
    if not getattr(opt, "built", True):
        opt.build(model.trainable_weights)
    saved = len(h5file["optimizer/vars"].keys())
    if saved != len(opt.variables):
        warnings.warn(f"Skipping variable loading for optimizer '{getattr(opt, 'name', type(opt).__name__)}', "
                      f"because it has {len(opt.variables)} variables whereas the saved optimizer has "
                      f"{saved} variables.", stacklevel=3)
        return False
    return True
