"""Models with ops between their layers in files: ``.keras`` keeps them (as Keras 3 writes its
op classes); ``.h5`` (Keras 2) cannot, and says which op stops it."""
import json
import zipfile

import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.ops.operation import Operation


def model_with_ops():
    inp = keras.Input((3, 4), name="inp")
    x = keras.layers.Dense(4, name="d1")(inp)
    y = keras.layers.LayerNormalization(name="norm")(inp + x)
    pooled = ops.mean(y, axis=1)
    return keras.Model(inp, keras.layers.Dense(2, name="head")(ops.concatenate([pooled, pooled[..., :1] ** 2], axis=-1)))


def test_keras_file_round_trip_keeps_ops_outputs_and_training(tmp_path):
    model = model_with_ops()
    model.compile(optimizer="adam", loss="mse")
    X = np.random.default_rng(0).standard_normal((6, 3, 4)).astype("float32")
    Y = np.zeros((6, 2), "float32")
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert [op.name for op in loaded.operations] == [op.name for op in model.operations]
    assert [type(op).__name__ for op in loaded.operations] == [type(op).__name__ for op in model.operations]
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))["config"]
    classes = [entry["class_name"] for entry in config["layers"]]
    assert classes == ["InputLayer", "Dense", "Add", "LayerNormalization", "Mean", "GetItem", "Power",
                       "Concatenate", "Dense"]
    ellipsis = next(e for e in config["layers"] if e["class_name"] == "GetItem")["inbound_nodes"][0]["args"][1]
    assert ellipsis[0] == {"class_name": "__ellipsis__", "config": {}}
    # the loaded model trains on
    loaded.fit(X, Y, epochs=1, verbose=0)


def test_h5_refuses_a_model_with_ops_naming_the_op(tmp_path):
    model = model_with_ops()
    add = next(op for op in model.operations if isinstance(op, Operation))
    with pytest.raises(ValueError, match=rf"op '{add.name}' \(Add\).*\.keras format"):
        model.save(tmp_path / "m.h5")
