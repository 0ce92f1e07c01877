"""Parity with real Keras 3: .keras files holding user classes and functions cross both ways.

The same custom layer, activation, loss and subclassed model are defined (by the same code)
and registered under the same names in Keras and in minikeras; a file written by one loads
in the other with the same weights and the same predictions.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_custom_saving_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

RTOL = 1e-5


def define(lib):
    """Register, in ``lib``, a custom layer, an activation, a loss and a subclassed model."""
    register = lib.saving.register_keras_serializable

    @register(package="parity")
    def doubled_relu(x):
        return lib.ops.relu(x) * 2.0

    @register(package="parity")
    def scaled_mse(y_true, y_pred):
        return lib.ops.mean((y_true - y_pred) ** 2, axis=-1) * 0.5

    @register(package="parity")
    class ScaledDense(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                          name="kernel")
            self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")

        def call(self, x):
            return lib.ops.matmul(x, self.kernel) * self.scale

        def compute_output_shape(self, input_shape):
            return tuple(input_shape[:-1]) + (self.units,)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    @register(package="parity")
    class TwoDense(lib.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = lib.layers.Dense(units, activation=doubled_relu)
            self.head = lib.layers.Dense(2)

        def call(self, x):
            return self.head(self.hidden(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    @register(package="parity")
    class Lookup(lib.layers.Layer):
        """Integer ids through a table kept as an array (state, not weights)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.table = np.arange(4, dtype="float32") + 0.5

        def call(self, ids):
            return lib.ops.take(lib.ops.convert_to_tensor(self.table), lib.ops.cast(ids, "int32"))

        def compute_output_shape(self, input_shape):
            return input_shape

        def save_own_variables(self, store):
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.array(store["table"])

    return {"ScaledDense": ScaledDense, "TwoDense": TwoDense, "Lookup": Lookup, "doubled_relu": doubled_relu,
            "scaled_mse": scaled_mse}


KERAS_OBJECTS = define(keras)
MK_OBJECTS = define(minikeras)
X = np.random.default_rng(0).random((6, 3), dtype=np.float32)
Y = np.random.default_rng(1).random((6, 2), dtype=np.float32)


def functional(lib, objects):
    inputs = lib.Input((3,))
    h = objects["ScaledDense"](5, name="scaled")(inputs)
    h = lib.layers.Dense(4, activation=objects["doubled_relu"], name="hidden")(h)
    model = lib.Model(inputs, lib.layers.Dense(2, name="out")(h))
    model.compile(optimizer="adam", loss=objects["scaled_mse"], metrics=["mae"])
    return model


def subclassed(lib, objects):
    model = objects["TwoDense"](units=5, name="two")
    model.compile(optimizer="adam", loss="mse")
    return model


def own_state(lib, objects):
    inputs = lib.Input((3,), dtype="int32")
    lookup = objects["Lookup"](name="lookup")
    lookup.table = np.array([0.25, -1.0, 2.0, 3.5], dtype="float32")
    model = lib.Model(inputs, lib.layers.Dense(2, name="out")(lookup(inputs)))
    model.compile(optimizer="adam", loss="mse")
    return model


IDS = np.array([[0, 1, 3], [2, 2, 0], [3, 1, 1], [0, 0, 2], [1, 3, 2], [2, 0, 1]], dtype="int32")


def _randomize(model):
    rng = np.random.default_rng(3)
    model.set_weights([rng.standard_normal(np.shape(w)).astype("float32") for w in model.get_weights()])


def _same(keras_model, mk_model, x=X):
    k = [np.asarray(w) for w in keras_model.get_weights()]
    m = mk_model.get_weights()
    assert [a.shape for a in k] == [b.shape for b in m]
    for a, b in zip(k, m):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(mk_model.predict(x, verbose=0), np.asarray(keras_model.predict(x, verbose=0)),
                               rtol=RTOL, atol=1e-6)


@pytest.mark.parametrize("build", [functional, subclassed, own_state], ids=["functional", "subclassed", "own_state"])
def test_keras_file_loads_in_minikeras(build, tmp_path):
    model = build(keras, KERAS_OBJECTS)
    x = IDS if build is own_state else X
    model.fit(x, Y, epochs=1, verbose=0)
    _randomize(model)
    path = str(tmp_path / "k.keras")
    model.save(path)
    loaded = minikeras.saving.load_model(path)
    assert type(loaded).__name__ == type(model).__name__
    _same(model, loaded, x)
    if build is own_state:
        np.testing.assert_array_equal(loaded.get_layer("lookup").table, [0.25, -1.0, 2.0, 3.5])
    if build is functional:
        assert loaded.get_layer("hidden").activation is MK_OBJECTS["doubled_relu"]
        np.testing.assert_allclose(loaded.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0),
                                   rtol=1e-4)


@pytest.mark.parametrize("build", [functional, subclassed, own_state], ids=["functional", "subclassed", "own_state"])
def test_minikeras_file_loads_in_keras(build, tmp_path):
    model = build(minikeras, MK_OBJECTS)
    x = IDS if build is own_state else X
    model.fit(x, Y, epochs=1, verbose=0)
    _randomize(model)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded).__name__ == type(model).__name__
    _same(loaded, model, x)
    if build is own_state:
        np.testing.assert_array_equal(loaded.get_layer("lookup").table, [0.25, -1.0, 2.0, 3.5])
    if build is functional:
        np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), loaded.evaluate(X, Y, verbose=0),
                                   rtol=1e-4)
