"""Instructor probes for chapter 15 (complete; do not edit).

When the grader runs your code in a separate process, your layer classes live only
there: the test cannot build a model around them, record gradients through them or
save them to a file. These probes do that next to your code and return plain data:
the outputs *and* the weights they were computed with, so the test recomputes the
expected outputs itself. Run locally, they simply run in the test's process.
"""

import os
import tempfile

import numpy as np

import minikeras as keras
from custom_dense_layer import CustomDense
from custom_rnn_layer import build_mixed_model
from minikeras import ops
from scale_shift_fix import ScaleShift


def custom_dense_model(units, input_dim, x):
    """``Model(Input((input_dim,)), CustomDense(units)(...))`` and its predictions on ``x``."""
    inputs = keras.Input((input_dim,))
    model = keras.Model(inputs, CustomDense(units)(inputs))
    return {"output_shape": model.output_shape, "count_params": model.count_params(),
            "weights": model.get_weights(), "y": model.predict(x, verbose=0)}


def gradients(layer, x):
    """Gradients of ``sum(layer(x)**2)`` with respect to ``x`` and the layer's trainable
    weights (in that order), and the layer's weights."""
    x = ops.convert_to_tensor(np.asarray(x, dtype="float32"))
    with keras.GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(ops.square(layer(x)))
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    return {"grads": [np.asarray(g) for g in grads], "weights": layer.get_weights()}


def custom_dense_config_round_trip(x):
    """A model with ``CustomDense(10, activation="relu", name="my_dense")``, rebuilt with
    ``Model.from_config(model.get_config(), custom_objects=...)``; what the rebuilt
    layer is, and the rebuilt model's weights and predictions on ``x``."""
    inputs = keras.Input((4,))
    outputs = CustomDense(10, activation="relu", name="my_dense")(inputs)
    model = keras.Model(inputs, outputs)
    new_model = keras.Model.from_config(model.get_config(), custom_objects={"CustomDense": CustomDense})
    layer = new_model.get_layer("my_dense")
    return {"class": type(layer).__name__, "is_custom_dense": isinstance(layer, CustomDense),
            "units": layer.units, "activation_is_relu": layer.activation is keras.activations.relu,
            "count_params": new_model.count_params(), "weights": new_model.get_weights(),
            "y": new_model.predict(x, verbose=0)}


def save_and_load(model, x, custom_objects, attribute=None):
    """Save ``model`` to a ``.keras`` file and load it; both models' weights and
    predictions on ``x``, the loaded model's layers (names, class names, configs) and,
    for ``attribute=(layer_name, attribute_name)``, that attribute of the loaded layer."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "custom.keras")
        model.save(path)
        loaded = keras.models.load_model(path, custom_objects=custom_objects)
    found = {"weights": model.get_weights(), "y": model.predict(x, verbose=0),
             "loaded_weights": loaded.get_weights(), "loaded_y": loaded.predict(x, verbose=0),
             "names": [l.name for l in loaded.layers], "classes": [type(l).__name__ for l in loaded.layers],
             "configs": [l.get_config() for l in loaded.layers[1:]]}
    if attribute is not None:
        found["attribute"] = getattr(loaded.get_layer(attribute[0]), attribute[1])
    return found


def two_custom_dense_round_trip(x):
    """``Input((6,)) -> CustomDense(5, relu, "first") -> CustomDense(2, "second")``,
    saved and loaded (``save_and_load``)."""
    inputs = keras.Input((6,))
    hidden = CustomDense(5, activation="relu", name="first")(inputs)
    model = keras.Model(inputs, CustomDense(2, name="second")(hidden))
    return save_and_load(model, x, {"CustomDense": CustomDense})


def mixed_model(x=None, **kwargs):
    """``build_mixed_model(**kwargs)``: its sizes, layers and weights, and its predictions
    on ``x`` (when given)."""
    model = build_mixed_model(**kwargs)
    found = {"count_params": model.count_params(), "output_shape": model.output_shape,
             "classes": [type(l).__name__ for l in model.layers], "weights": model.get_weights()}
    if x is not None:
        found["y"] = model.predict(x, batch_size=len(x), verbose=0)
    return found


def weight_names(layer):
    """The names of ``layer``'s weights (a name does not cross the process boundary)."""
    return [w.name for w in layer.weights]


def scale_shift_model(features, initial_scale, name, weights, x):
    """``Model(Input((features,)), ScaleShift(initial_scale, name=name)(...))``: its size,
    the layer's output shape and weight names, and predictions on ``x`` after the layer
    got ``weights``."""
    inputs = keras.Input(shape=(features,))
    model = keras.Model(inputs, ScaleShift(initial_scale, name=name)(inputs))
    layer = model.get_layer(name)
    found = {"count_params": model.count_params(), "output_shape": layer.output_shape,
             "names": [w.name for w in layer.weights]}
    layer.set_weights(weights)
    found["y"] = model.predict(x, verbose=0)
    return found


def scale_shift_config_round_trip(initial_scale, name):
    """``ScaleShift.from_config(ScaleShift(initial_scale, name=name).get_config())`` and a
    model with ``ScaleShift(1.5, name="s")`` rebuilt from its config: what came back."""
    layer = ScaleShift(initial_scale, name=name)
    copy = ScaleShift.from_config(layer.get_config())
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, ScaleShift(1.5, name="s")(inputs))
    rebuilt = keras.Model.from_config(model.get_config(), custom_objects={"ScaleShift": ScaleShift})
    s = rebuilt.get_layer("s")
    return {"copy_class": type(copy).__name__, "copy_name": copy.name,
            "copy_initial_scale": copy.initial_scale, "rebuilt_class": type(s).__name__,
            "rebuilt_is_scale_shift": isinstance(s, ScaleShift), "rebuilt_initial_scale": s.initial_scale}


def scale_shift_image_round_trip(x):
    """``Input((5, 5, 3)) -> ScaleShift(0.25, name="norm")`` with fixed weights, saved and
    loaded (``save_and_load``)."""
    inputs = keras.Input(shape=(5, 5, 3))
    model = keras.Model(inputs, ScaleShift(0.25, name="norm")(inputs))
    model.get_layer("norm").set_weights([np.array([1.0, 2.0, 3.0], "float32"),
                                         np.array([0.5, 0.0, -0.5], "float32")])
    found = save_and_load(model, x, {"ScaleShift": ScaleShift}, attribute=("norm", "initial_scale"))
    found["count_params"] = model.count_params()
    return found
