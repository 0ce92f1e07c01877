"""serialize_keras_object / deserialize_keras_object, custom_object_scope, get_registered_object,
layers.serialize/deserialize, and user functions as activations, losses and metrics in files."""
import numpy as np
import pytest

import minikeras as keras
from minikeras.common import registration


@pytest.fixture
def clean_registry():
    """Registrations made by a test are removed afterwards, so tests do not see each other's."""
    before = dict(registration._GLOBAL_CUSTOM_OBJECTS), dict(registration._GLOBAL_CUSTOM_NAMES)
    yield
    for table, saved in zip((registration._GLOBAL_CUSTOM_OBJECTS, registration._GLOBAL_CUSTOM_NAMES), before):
        table.clear()
        table.update(saved)


def doubled_relu(x):
    return keras.ops.relu(x) * 2.0


def squared_error(y_true, y_pred):
    return keras.ops.mean((y_true - y_pred) ** 2, axis=-1)


def test_keras_utils_exports_the_saving_names():
    for name in ("custom_object_scope", "CustomObjectScope", "register_keras_serializable",
                 "get_custom_objects", "get_registered_name", "get_registered_object",
                 "serialize_keras_object", "deserialize_keras_object"):
        assert getattr(keras.utils, name) is getattr(keras.saving, name)
    assert keras.utils.custom_object_scope is keras.utils.CustomObjectScope
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        keras.utils.nonexistent  # noqa: B018


def test_get_registered_object_looks_in_scopes_registrations_and_custom_objects(clean_registry):
    registered = keras.saving.register_keras_serializable(package="tests")(doubled_relu)
    assert keras.saving.get_registered_name(registered) == "tests>doubled_relu"
    assert keras.saving.get_registered_object("tests>doubled_relu") is doubled_relu
    assert keras.saving.get_registered_object("squared_error") is None
    assert keras.saving.get_registered_object("squared_error", {"squared_error": squared_error}) is squared_error
    assert keras.saving.get_registered_object("m", module_objects={"m": len}) is len
    with keras.saving.custom_object_scope({"squared_error": squared_error}):
        assert keras.saving.get_registered_object("squared_error") is squared_error
        assert keras.saving.get_custom_objects()["tests>doubled_relu"] is doubled_relu
    assert keras.saving.get_registered_object("squared_error") is None


@pytest.mark.parametrize("make, expected", [
    (lambda: keras.losses.MeanSquaredError(), {"module": "keras.losses", "class_name": "MeanSquaredError",
                                               "registered_name": None}),
    (lambda: keras.metrics.AUC(), {"module": "keras.metrics", "class_name": "AUC", "registered_name": None}),
    (lambda: keras.optimizers.Adam(0.01), {"module": "keras.optimizers", "class_name": "Adam",
                                          "registered_name": None}),
    (lambda: keras.initializers.GlorotUniform(seed=3), {"module": "keras.initializers",
                                                       "class_name": "GlorotUniform", "registered_name": None}),
    (lambda: keras.regularizers.L2(0.1), {"module": "keras.regularizers", "class_name": "L2",
                                         "registered_name": None}),
    (lambda: keras.constraints.MaxNorm(2.0), {"module": "keras.constraints", "class_name": "MaxNorm",
                                             "registered_name": None}),
    (lambda: keras.layers.Dense(3, name="d"), {"module": "keras.layers", "class_name": "Dense",
                                               "registered_name": None}),
])
def test_builtin_objects_round_trip(make, expected):
    obj = make()
    config = keras.saving.serialize_keras_object(obj)
    assert {k: config[k] for k in expected} == expected
    back = keras.saving.deserialize_keras_object(config)
    assert type(back) is type(obj)
    assert keras.saving.serialize_keras_object(back)["config"] == config["config"]


def test_functions_plain_values_and_arrays():
    fn = keras.saving.serialize_keras_object(keras.activations.relu)
    assert fn == {"module": "builtins", "class_name": "function", "config": "relu",
                  "registered_name": "function"}
    assert keras.saving.deserialize_keras_object(fn) is keras.activations.relu
    loss = keras.saving.serialize_keras_object(keras.losses.mean_squared_error)
    assert keras.saving.deserialize_keras_object(loss) is keras.losses.mean_squared_error
    assert keras.saving.serialize_keras_object((1, "a", [2.5, None])) == (1, "a", [2.5, None])
    assert keras.saving.deserialize_keras_object("relu") == "relu"
    array = np.arange(6, dtype="float32").reshape(2, 3)
    back = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(array))
    assert back.dtype == np.float32 and np.array_equal(back, array)
    with pytest.raises(ValueError, match="lambda"):
        keras.saving.serialize_keras_object(lambda x: x)
    with pytest.raises(TypeError, match="Cannot serialize"):
        keras.saving.serialize_keras_object(object())


def test_custom_function_found_by_registration_scope_or_argument(clean_registry):
    config = keras.saving.serialize_keras_object(squared_error)
    assert config["config"] == "squared_error"
    with pytest.raises(ValueError, match="Could not locate function 'squared_error'.*custom_objects"):
        keras.saving.deserialize_keras_object(config)
    assert keras.saving.deserialize_keras_object(config, {"squared_error": squared_error}) is squared_error
    with keras.utils.custom_object_scope({"squared_error": squared_error}):
        assert keras.saving.deserialize_keras_object(config) is squared_error
    keras.utils.register_keras_serializable(package="tests")(squared_error)
    config = keras.saving.serialize_keras_object(squared_error)
    assert config["config"] == "tests>squared_error"
    assert keras.saving.deserialize_keras_object(config) is squared_error


def test_custom_class_round_trip(clean_registry):
    @keras.saving.register_keras_serializable(package="tests")
    class ScaledMSE(keras.losses.Loss):
        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * keras.ops.mean((y_true - y_pred) ** 2, axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    config = keras.saving.serialize_keras_object(ScaledMSE(scale=3.0))
    assert config["registered_name"] == "tests>ScaledMSE"
    assert config["module"] == __name__
    back = keras.saving.deserialize_keras_object(config)
    assert isinstance(back, ScaledMSE) and back.scale == 3.0
    with pytest.raises(ValueError, match="Could not locate class 'Unknown'"):
        keras.saving.deserialize_keras_object({"module": "mine", "class_name": "Unknown", "config": {},
                                               "registered_name": "mine>Unknown"})


def test_layers_serialize_and_deserialize():
    layer = keras.layers.Dense(4, activation="tanh", name="dense_x")
    config = keras.layers.serialize(layer)
    assert config["module"] == "keras.layers" and config["class_name"] == "Dense"
    back = keras.layers.deserialize(config)
    assert isinstance(back, keras.layers.Dense) and back.units == 4 and back.name == "dense_x"
    assert back.activation is keras.activations.tanh


def _model_with_custom_functions():
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2, activation=doubled_relu, name="out")(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=squared_error, metrics=["mae", squared_error])
    x = np.random.default_rng(0).random((8, 3), dtype=np.float32)
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    return model, x


def test_custom_activation_loss_and_metric_in_a_keras_file(tmp_path):
    model, x = _model_with_custom_functions()
    path = tmp_path / "m.keras"
    model.save(path)
    layer_config = model.get_config()["layers"][1]["config"]
    assert layer_config["activation"] == {"module": "builtins", "class_name": "function",
                                          "config": "doubled_relu", "registered_name": "function"}
    with pytest.raises(ValueError, match="Could not locate function 'doubled_relu'"):
        keras.saving.load_model(path)
    objects = {"doubled_relu": doubled_relu, "squared_error": squared_error}
    loaded = keras.saving.load_model(path, custom_objects=objects)
    assert loaded.get_layer("out").activation is doubled_relu
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(loaded.evaluate(x, x[:, :2], verbose=0), model.evaluate(x, x[:, :2], verbose=0),
                               rtol=1e-6)
    with keras.saving.custom_object_scope(objects):
        scoped = keras.saving.load_model(path)
    assert scoped.get_layer("out").activation is doubled_relu
    scoped.fit(x, x[:, :2], epochs=1, verbose=0)   # compiled with the custom loss, and it trains


def test_registered_activation_found_without_custom_objects(tmp_path, clean_registry):
    keras.saving.register_keras_serializable(package="tests")(doubled_relu)
    keras.saving.register_keras_serializable(package="tests")(squared_error)
    model, x = _model_with_custom_functions()
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.get_layer("out").activation is doubled_relu
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_custom_activation_given_by_name_in_custom_objects():
    config = keras.layers.serialize(keras.layers.Dense(2, activation="relu"))
    config["config"]["activation"] = "doubled_relu"   # as Keras 2 configs name a custom activation
    layer = keras.layers.deserialize(config, custom_objects={"doubled_relu": doubled_relu})
    assert layer.activation is doubled_relu
