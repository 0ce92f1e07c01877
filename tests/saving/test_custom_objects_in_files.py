"""User classes in .keras files: subclassed models with get_config/from_config, layers whose
build needs more than the input shape (get_build_config/build_from_config), compile configs a
model writes itself, and layers that save a non-weight state (save_own_variables)."""
import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import minikeras as keras
from minikeras.common import registration


@pytest.fixture(autouse=True)
def clean_registry():
    before = dict(registration._GLOBAL_CUSTOM_OBJECTS), dict(registration._GLOBAL_CUSTOM_NAMES)
    yield
    for table, saved in zip((registration._GLOBAL_CUSTOM_OBJECTS, registration._GLOBAL_CUSTOM_NAMES), before):
        table.clear()
        table.update(saved)


def _archive(path):
    archive = zipfile.ZipFile(path)
    config = json.loads(archive.read("config.json"))
    names = []
    with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
        h5.visit(names.append)
    return config, names


def _two_dense_model_class():
    class TwoDense(keras.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.head = keras.layers.Dense(1)

        def call(self, x):
            return self.head(self.hidden(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}
    return TwoDense


def test_subclassed_model_round_trips_through_a_keras_file(tmp_path):
    TwoDense = keras.saving.register_keras_serializable(package="tests")(_two_dense_model_class())
    model = TwoDense(units=5, name="two")
    x = np.random.default_rng(1).random((6, 3), dtype=np.float32)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    path = tmp_path / "sub.keras"
    model.save(path)
    config, names = _archive(path)
    assert config["class_name"] == "TwoDense" and config["registered_name"] == "tests>TwoDense"
    assert config["config"]["units"] == 5 and config["config"]["name"] == "two"
    assert config["build_config"]["input_shape"][1:] == [3]
    # Keras 3 writes a subclassed model's layers under the attributes that hold them.
    assert {"head/vars/0", "head/vars/1", "hidden/vars/0", "hidden/vars/1"} <= set(names)

    loaded = keras.saving.load_model(path)
    assert type(loaded) is TwoDense and loaded.units == 5 and loaded.name == "two"
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a.value), np.asarray(b.value))
    loaded.fit(x, x[:, :1], epochs=1, verbose=0)


def test_unregistered_subclassed_model_needs_custom_objects(tmp_path):
    TwoDense = _two_dense_model_class()
    model = TwoDense(units=2)
    x = np.ones((2, 3), dtype="float32")
    model(x)
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="Unknown layer class 'TwoDense'.*custom_objects"):
        keras.saving.load_model(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", custom_objects={"TwoDense": TwoDense})
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)


class ScaledDense(keras.layers.Layer):
    """A custom layer without get_config(): its config is its constructor's arguments."""

    def __init__(self, units, scale=2.0, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale, self.activation = units, scale, activation

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, x):
        y = keras.ops.matmul(x, self.w) * self.scale
        return keras.activations.get(self.activation)(y)


class TwoLayers(keras.Model):
    """A subclassed model without get_config(), built from plain arguments."""

    def __init__(self, units, hidden=(3, 2), **kwargs):
        super().__init__(**kwargs)
        self.units, self.hidden = units, hidden
        self.inner = [keras.layers.Dense(h, activation="relu") for h in hidden]
        self.out = keras.layers.Dense(units)

    def call(self, x):
        for layer in self.inner:
            x = layer(x)
        return self.out(x)


def test_a_layer_without_get_config_writes_its_constructor_arguments(tmp_path):
    layer = ScaledDense(4, activation="tanh", name="sd")
    assert layer.get_config() == {"name": "sd", "units": 4, "scale": 2.0, "activation": "tanh",
                                  "trainable": True, "dtype": layer.get_config()["dtype"]}
    inputs = keras.Input((3,))
    model = keras.Model(inputs, ScaledDense(2, scale=0.5, name="sd2")(inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", custom_objects={"ScaledDense": ScaledDense})
    assert loaded.get_layer("sd2").scale == 0.5
    x = np.random.default_rng(0).random((4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_subclassed_model_without_get_config_saves_and_loads(tmp_path):
    model = TwoLayers(2, hidden=[4], name="two")
    x = np.random.default_rng(1).random((3, 5)).astype("float32")
    expected = np.asarray(model(x).value)
    assert model.get_config()["units"] == 2 and model.get_config()["hidden"] == [4]
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", custom_objects={"TwoLayers": TwoLayers})
    assert type(loaded) is TwoLayers and loaded.name == "two" and loaded.hidden == [4]
    np.testing.assert_allclose(np.asarray(loaded(x).value), expected, rtol=1e-6)


def test_arguments_that_are_not_plain_values_are_refused_at_save_time(tmp_path):
    class Wrapping(keras.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return self.inner(x)

    inputs = keras.Input((3,))
    model = keras.Model(inputs, Wrapping(keras.layers.Dense(2))(inputs))
    with pytest.raises(NotImplementedError, match=r"Wrapping.*non-serializable.*inner=<Dense.*get_config\(\)"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(NotImplementedError, match="positional"):
        class Varargs(keras.layers.Layer):
            def __init__(self, *sizes, **kwargs):
                super().__init__(**kwargs)
        Varargs(1, 2).get_config()


def test_a_model_whose_constructor_takes_nothing_saves_but_cannot_be_rebuilt(tmp_path):
    """As in Keras 3: the config has only trainable and dtype, which __init__() cannot take
    back, so loading fails with an error that names the class."""
    class NoConfig(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    model = NoConfig()
    model(np.ones((1, 2), dtype="float32"))
    assert "name" not in model.get_config()
    model.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="NoConfig could not be rebuilt.*trainable"):
        keras.saving.load_model(tmp_path / "m.keras", custom_objects={"NoConfig": NoConfig})


class RowsFromData(keras.layers.Layer):
    """A layer whose weight's size comes from data seen before build, not from the input shape."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows = None
        self.build_calls = []

    def prepare(self, rows):
        self.rows = rows

    def build(self, input_shape):
        if self.rows is None:
            raise ValueError("RowsFromData needs prepare(rows) before build: the input shape is not enough.")
        self.table = self.add_weight(shape=(self.rows, int(input_shape[-1])), initializer="random_normal",
                                     name="table")
        self.build_calls.append(tuple(input_shape))

    def call(self, x):
        return keras.ops.matmul(x, keras.ops.transpose(self.table))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.rows,)

    def get_build_config(self):
        return {"input_shape": [None, int(self.table.shape[1])], "rows": self.rows}

    def build_from_config(self, config):
        self.prepare(config["rows"])
        self.build(config["input_shape"])


def test_build_from_config_is_honoured_inside_a_functional_model(tmp_path):
    keras.saving.register_keras_serializable(package="tests")(RowsFromData)
    layer = RowsFromData(name="rows")
    layer.prepare(7)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layer(inputs))
    path = tmp_path / "rows.keras"
    model.save(path)
    config, _ = _archive(path)
    assert config["config"]["layers"][1]["build_config"] == {"input_shape": [None, 3], "rows": 7}
    loaded = keras.saving.load_model(path)
    restored = loaded.get_layer("rows")
    assert restored.rows == 7 and restored.build_calls == [(None, 3)]
    x = np.random.default_rng(2).random((4, 3), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    # and for a layer on its own
    alone = keras.layers.deserialize(keras.layers.serialize(layer))
    assert alone.built and alone.rows == 7 and tuple(alone.table.shape) == (7, 3)


def test_a_model_writes_and_reads_its_own_compile_config(tmp_path):
    class WithCompileConfig(keras.Model):
        restored_with = None

        def get_compile_config(self):
            return {**super().get_compile_config(), "note": "mine"}

        def compile_from_config(self, config):
            type(self).restored_with = config
            self.compile(optimizer=config["optimizer"], loss=config["loss"])

    keras.saving.register_keras_serializable(package="tests")(WithCompileConfig)
    inputs = keras.Input((2,))
    model = WithCompileConfig(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mae")
    model.save(tmp_path / "c.keras")
    config, _ = _archive(tmp_path / "c.keras")
    assert config["compile_config"]["note"] == "mine"
    loaded = keras.saving.load_model(tmp_path / "c.keras")
    assert WithCompileConfig.restored_with["note"] == "mine"
    assert loaded.compiled and type(loaded.optimizer).__name__ == "SGD"


class Lookup(keras.layers.Layer):
    """Maps integer ids through a table kept as a numpy array: state that is not a weight."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table = np.zeros((0,), dtype="float32")

    def adapt(self, values):
        self.table = np.asarray(values, dtype="float32")

    def call(self, ids):
        return keras.ops.take(keras.ops.convert_to_tensor(self.table), keras.ops.cast(ids, "int32"))

    def compute_output_shape(self, input_shape):
        return input_shape

    def save_own_variables(self, store):
        store["table"] = self.table

    def load_own_variables(self, store):
        self.table = np.array(store["table"])


def test_save_own_variables_and_load_own_variables(tmp_path):
    keras.saving.register_keras_serializable(package="tests")(Lookup)
    lookup = Lookup(name="lookup")
    lookup.adapt([0.5, 1.5, 2.5, 3.5])
    inputs = keras.Input((2,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Dense(1, name="d")(lookup(inputs)))
    path = tmp_path / "lookup.keras"
    model.save(path)
    _, names = _archive(path)
    assert "layers/lookup/vars/table" in names
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.get_layer("lookup").table, lookup.table)
    ids = np.array([[0, 3], [2, 1]], dtype="int32")
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6)
    # a weights file goes through the same two methods
    other = keras.saving.load_model(path)
    other.get_layer("lookup").table = np.zeros(4, dtype="float32")
    model.save_weights(tmp_path / "w.weights.h5")
    other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.get_layer("lookup").table, lookup.table)
