"""Saving and loading: configs, files, training state, and what happens when things go wrong."""
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from minikeras.saving import keras_format


def mlp(name=None):
    x = keras.Input((4,))
    h = layers.Dense(8, activation="relu")(x)
    h = layers.BatchNormalization()(h)
    return keras.Model(x, layers.Dense(2)(h), name=name)


def data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 4)).astype("float32"), rng.random((n, 2)).astype("float32")


class CustomDense(layers.Layer):
    """The custom layer of seed 002: its get_config returns only {'units': ...}."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


def custom_model():
    x = keras.Input((4,))
    return keras.Model(x, CustomDense(10)(x))


# ------------------------------------------------------------------ configs
def test_functional_config_is_keras_3_format():
    model = mlp("m")
    config = model.get_config()
    assert set(config) == {"name", "trainable", "layers", "input_layers", "output_layers"}
    dense = config["layers"][1]
    assert dense["module"] == "keras.layers" and dense["class_name"] == "Dense"
    assert dense["registered_name"] is None and dense["build_config"] == {"input_shape": [None, 4]}
    assert dense["config"]["dtype"]["class_name"] == "DTypePolicy"
    [node] = dense["inbound_nodes"]
    assert node == {"args": [{"class_name": "__keras_tensor__", "config": {
        "shape": [None, 4], "dtype": "float32", "keras_history": ["input_1", 0, 0]}}], "kwargs": {}}
    assert config["input_layers"] == ["input_1", 0, 0]
    json.dumps(config)


def test_nested_model_node_indices_follow_keras_3():
    inner_in = keras.Input((3,))
    inner = keras.Model(inner_in, [layers.Dense(2)(inner_in), layers.Dense(1)(inner_in)], name="inner")
    x = keras.Input((3,))
    a = inner(x)
    b = inner(layers.Dense(3)(x))
    model = keras.Model(x, [b[0], a[1]])
    config = model.get_config()
    inner_config = next(l for l in config["layers"] if l["name"] == "inner")
    histories = [n["args"][0]["config"]["keras_history"] for n in inner_config["inbound_nodes"]]
    assert histories == [["input_2", 0, 0], ["dense_3", 0, 0]]      # calls counted from 0
    assert config["output_layers"] == [["inner", 2, 0], ["inner", 1, 1]]  # Keras 2 numbering
    rebuilt = keras.Model.from_config(config)
    assert rebuilt.get_config() == config
    xs = np.random.rand(2, 3).astype("float32")
    rebuilt.set_weights(model.get_weights())
    for p, q in zip(model.predict(xs, verbose=0), rebuilt.predict(xs, verbose=0)):
        np.testing.assert_array_equal(p, q)


def test_layer_shared_at_two_depths_rebuilds():
    dense = layers.Dense(3)
    x = keras.Input((3,))
    y = dense(layers.Dense(3)(dense(x)))
    model = keras.Model(x, y)
    rebuilt = keras.Model.from_config(model.get_config())
    assert rebuilt.count_params() == model.count_params()
    assert len(rebuilt.get_layer(dense.name)._inbound_nodes) == 2


def test_dict_inputs_and_list_outputs_keep_their_structure(tmp_path):
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    h = layers.Concatenate()([a, b])
    model = keras.Model({"a": a, "b": b}, [layers.Dense(1)(h), layers.Dense(2)(h)])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = {"a": np.ones((2, 2), "float32"), "b": np.ones((2, 3), "float32")}
    out = loaded.predict(x, verbose=0)
    assert isinstance(out, list) and [o.shape for o in out] == [(2, 1), (2, 2)]
    for p, q in zip(model.predict(x, verbose=0), out):
        np.testing.assert_array_equal(p, q)


def test_sequential_config_has_its_input_layer():
    model = keras.Sequential([layers.Dense(3, input_shape=(5,)), layers.Dense(1)])
    config = model.get_config()
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert config["build_input_shape"] == [None, 5]
    rebuilt = keras.Sequential.from_config(config)
    assert rebuilt.get_config() == config


def test_unbuilt_sequential_config_round_trips():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    rebuilt = keras.Sequential.from_config(model.get_config())
    assert not rebuilt.built and len(rebuilt.layers) == 2


def test_custom_layer_needs_custom_objects():
    model = custom_model()
    config = model.get_config()
    layer_config = config["layers"][1]
    assert layer_config["class_name"] == "CustomDense" and layer_config["config"] == {"units": 10}
    assert layer_config["registered_name"] == "CustomDense"
    with pytest.raises(TypeError, match=r"Unknown layer class 'CustomDense'.*custom_objects"):
        keras.Model.from_config(config)
    rebuilt = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    assert rebuilt.count_params() == 50


def test_registered_custom_layer_loads_without_custom_objects(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    x = keras.Input((3,))
    model = keras.Model(x, Scale(3.0)(x))
    assert model.get_config()["layers"][1]["registered_name"] == "tests>Scale"
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 3), "float32"), verbose=0), [[3.0, 3.0, 3.0]])


def test_keras_class_minikeras_lacks_is_named():
    config = mlp().get_config()
    config["layers"][1]["class_name"] = "MelSpectrogram"
    with pytest.raises(TypeError, match="'MelSpectrogram'.*Keras class that minikeras does not implement"):
        keras.Model.from_config(config)


def test_keras_only_option_that_is_on_is_refused():
    config = mlp().get_config()
    config["layers"][2]["config"]["renorm"] = True
    with pytest.raises(ValueError, match="renorm=True"):
        keras.Model.from_config(config)


def test_broken_graph_config_is_reported():
    config = mlp().get_config()
    config["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["dense_2", 0, 0]
    with pytest.raises(ValueError, match="loops or disconnected"):
        keras.Model.from_config(config)


def test_to_json_and_model_from_json():
    model = mlp()
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    rebuilt = keras.models.model_from_json(text)
    assert rebuilt.get_config() == model.get_config()
    with pytest.raises(ValueError, match="model.to_json"):
        keras.models.model_from_json("{not json")


def test_clone_model_has_same_architecture_and_new_weights():
    model = mlp()
    clone = keras.models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert not any(a is b for a, b in zip(clone.weights, model.weights))
    assert not np.array_equal(clone.layers[1].kernel.value, model.layers[1].kernel.value)


def test_clone_model_with_clone_function_and_input_tensors():
    model = mlp()
    renamed = keras.models.clone_model(
        model, clone_function=lambda l: l.__class__.from_config({**l.get_config(), "name": "c_" + l.name}))
    assert all(l.name.startswith("c_") for l in renamed.layers[1:])
    new_input = keras.Input((4,), name="fresh")
    clone = keras.models.clone_model(model, input_tensors=new_input)
    assert clone.inputs[0] is new_input
    seq = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    assert keras.models.clone_model(seq).get_config()["layers"][1]["config"]["units"] == 2


# ------------------------------------------------------------------ files
def test_keras_file_layout(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        metadata = json.loads(archive.read("metadata.json"))
        assert set(metadata) >= {"keras_version", "date_saved"}
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as f:
        assert f["layers/dense/vars/0"].shape == (4, 8)
        assert f["layers/dense_1/vars/0"].shape == (8, 2)
        assert [f[f"layers/batch_normalization/vars/{i}"].shape for i in range(4)] == [(8,)] * 4


def test_h5_file_layout(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f:
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Model"
        assert config["config"]["layers"][1]["inbound_nodes"] == [[["input_1", 0, 0, {}]]]
        group = f["model_weights/dense_1"]
        assert [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]] == \
               ["dense_1/kernel:0", "dense_1/bias:0"]


def test_custom_layer_file_round_trip(tmp_path):
    model = custom_model()
    x, _ = data()
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / f"m{suffix}")
        with pytest.raises(TypeError, match="custom_objects"):
            keras.models.load_model(tmp_path / f"m{suffix}")
        loaded = keras.models.load_model(tmp_path / f"m{suffix}", custom_objects={"CustomDense": CustomDense})
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_training_resumes_where_it_stopped(suffix, tmp_path):
    x, y = data(32)
    keras.utils.set_random_seed(3)
    model = mlp()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0, shuffle=False)
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert loaded.compiled and int(loaded.optimizer.iterations.value) == int(model.optimizer.iterations.value)
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.value, b.value)
    model.fit(x, y, epochs=1, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_without_compile(tmp_path):
    model = mlp()
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.keras")
    assert not keras.models.load_model(tmp_path / "m.keras", compile=False).compiled


def test_save_weights_rules_and_round_trip(tmp_path):
    model = mlp()
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "m.tf")
    model.save_weights(tmp_path / "w.weights.h5")
    other = mlp()
    other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    model.save(tmp_path / "m.keras")
    third = mlp()
    third.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(third.get_weights()[0], model.get_weights()[0])
    with pytest.raises(ValueError, match="File format not supported"):
        other.load_weights(tmp_path / "w.txt")


def test_overwrite_false_keeps_the_file(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


# ------------------------------------------------------------------ faults
@pytest.mark.parametrize("suffix", [".keras", ".h5", ".weights.h5"])
def test_a_save_killed_midway_leaves_the_old_file(suffix, tmp_path, monkeypatch):
    path = tmp_path / f"m{suffix}"
    good = mlp()
    (good.save_weights if suffix == ".weights.h5" else good.save)(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")
    monkeypatch.setattr(keras_format, "write_variables", crash)
    from minikeras.saving import legacy_h5
    monkeypatch.setattr(legacy_h5, "save_weights_to_group", crash)
    other = mlp()
    with pytest.raises(KeyboardInterrupt):
        (other.save_weights if suffix == ".weights.h5" else other.save)(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind


def test_truncated_keras_file(tmp_path):
    mlp().save(tmp_path / "m.keras")
    data_ = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "t.keras").write_bytes(data_[: len(data_) // 2])
    with pytest.raises(ValueError, match="not a valid .keras file.*truncated"):
        keras.models.load_model(tmp_path / "t.keras")


def test_truncated_h5_file(tmp_path):
    mlp().save(tmp_path / "m.h5")
    data_ = (tmp_path / "m.h5").read_bytes()
    (tmp_path / "t.h5").write_bytes(data_[: len(data_) // 2])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        keras.models.load_model(tmp_path / "t.h5")


def test_missing_file():
    with pytest.raises(FileNotFoundError, match="nope.keras"):
        keras.models.load_model("nope.keras")


def _rewrite_weights(src, dst, edit):
    """Copy a .keras file, letting ``edit(h5file)`` change its weights."""
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    weights = dst.parent / "w.h5"
    weights.write_bytes(members["model.weights.h5"])
    with h5py.File(weights, "a") as f:
        edit(f)
    members["model.weights.h5"] = weights.read_bytes()
    with zipfile.ZipFile(dst, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def test_missing_weights_entry(tmp_path):
    mlp().save(tmp_path / "m.keras")
    _rewrite_weights(tmp_path / "m.keras", tmp_path / "bad.keras", lambda f: f.__delitem__("layers/dense_1"))
    with pytest.raises(ValueError, match=r"no weights for layer 'dense_2' \(Dense\).*layers/dense_1/vars"):
        keras.models.load_model(tmp_path / "bad.keras")


def test_weights_of_the_wrong_shape(tmp_path):
    mlp().save(tmp_path / "m.keras")

    def edit(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = np.zeros((4, 9), "float32")
    _rewrite_weights(tmp_path / "m.keras", tmp_path / "bad.keras", edit)
    with pytest.raises(ValueError, match=r"layer 'dense_1'.*expected shape \(4, 8\), received shape \(4, 9\)"):
        keras.models.load_model(tmp_path / "bad.keras")


def test_failed_load_weights_changes_nothing(tmp_path):
    small = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(2)])
    bigger = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(3)])
    bigger.save_weights(tmp_path / "w.weights.h5")
    before = small.get_weights()
    with pytest.raises(ValueError, match=r"expected shape \(8, 2\), received shape \(8, 3\)"):
        small.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(before, small.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_legacy_weights_of_the_wrong_shape(tmp_path):
    keras.Sequential([layers.Dense(3, input_shape=(4,))]).save(tmp_path / "w.h5")
    model = keras.Sequential([layers.Dense(5, input_shape=(4,))])
    with pytest.raises(ValueError, match=r"layer 'dense_2'.*expected shape \(4, 5\), received shape \(4, 3\)"):
        model.load_weights(tmp_path / "w.h5")


def test_keras_2_h5_file_loads(tmp_path):
    """A file in Keras 2.2.4's exact layout (config and weight names), written by hand."""
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        {"class_name": "Dense", "config": {
            "name": "dense_1", "trainable": True, "batch_input_shape": [None, 3], "dtype": "float32",
            "units": 2, "activation": "relu", "use_bias": True,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}}]}}
    kernel = np.arange(6, dtype="float32").reshape(3, 2) / 10
    with h5py.File(tmp_path / "k2.h5", "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [b"dense_1"]
        layer = group.create_group("dense_1")
        layer.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
        layer["dense_1/kernel:0"] = kernel
        layer["dense_1/bias:0"] = np.array([0.5, -10.0], "float32")
    model = keras.models.load_model(tmp_path / "k2.h5")
    out = model.predict(np.ones((1, 3), "float32"), verbose=0)
    np.testing.assert_allclose(out, [[0.6 + 0.5, 0.0]], rtol=1e-6)


def test_load_weights_into_a_freshly_compiled_model(tmp_path):
    """A weights file of a trained, compiled model loads into a new compiled copy (its
    optimizer is built to take the saved state); a different optimizer is skipped with a warning."""
    def make():
        x = keras.Input((4,))
        model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Dense(3)(x)))
        model.compile("adam", "mse")
        return model
    trained = make()
    trained.fit(np.random.rand(8, 4), np.random.rand(8, 2), verbose=0)
    trained.save_weights(tmp_path / "w.weights.h5")
    fresh = make()
    fresh.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(trained.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(np.asarray(fresh.optimizer.iterations)) == int(np.asarray(trained.optimizer.iterations))
    other = make()
    other.compile(keras.optimizers.SGD(), "mse")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer 'sgd'"):
        other.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(other.get_weights()[0], trained.get_weights()[0])


def test_compiled_model_whose_optimizer_never_ran_loads_with_keras_warning(tmp_path):
    """Its file holds the optimizer's iteration count only; the built optimizer has slots too.
    Keras 3 warns and loads the layers' weights; so does minikeras (it used to refuse)."""
    x = keras.Input((6,))
    model = keras.Model(x, keras.layers.Dense(3)(x))
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "c.keras")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer 'rm_sprop'"):
        loaded = keras.models.load_model(tmp_path / "c.keras")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert type(loaded.optimizer).__name__ == "RMSprop"
