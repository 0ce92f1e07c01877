"""Ops between the layers of a functional model, against real Keras 3: a small residual
block written as Keras 3 code writes it (``norm(x + attn)``, ``keras.ops.mean``, ``x * 0.5``,
a slice), with the same weights, gives the same outputs and the same training step, and
its ``.keras`` file crosses both ways (Keras's op classes in the config).

Run with the parity environment (Keras 3 on the torch backend):
    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_ops_in_graph_parity.py
"""
import json
import os
import zipfile

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def residual(lib):
    inp = lib.Input((5, 4), name="tokens")
    h = lib.layers.Dense(4, activation="relu", name="ffn")(inp)
    x = lib.layers.LayerNormalization(name="norm")(inp + h)
    pooled = lib.ops.mean(x, axis=1)
    scaled = lib.ops.concatenate([pooled * 0.5, lib.ops.expand_dims(pooled[:, 0], -1)], axis=-1)
    return lib.Model(inp, lib.layers.Dense(3, name="head")(scaled))


def _numpy(x):
    return x if isinstance(x, np.ndarray) else keras.ops.convert_to_numpy(x)


def _inputs(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 5, 4)).astype("float32"), rng.standard_normal((n, 3)).astype("float32")


def _same_weights(kmodel, mmodel, seed=1):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(tuple(w.shape)).astype("float32") * 0.5 for w in kmodel.get_weights()]
    kmodel.set_weights(weights)
    mmodel.set_weights(weights)


def test_outputs_and_one_training_step_match_keras():
    kmodel, mmodel = residual(keras), residual(minikeras)
    assert [l.name for l in mmodel.layers] == [l.name for l in kmodel.layers]
    _same_weights(kmodel, mmodel)
    x, y = _inputs()
    np.testing.assert_allclose(mmodel.predict(x, verbose=0), _numpy(kmodel.predict(x, verbose=0)),
                               rtol=RTOL, atol=ATOL)
    kmodel.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    mmodel.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="mse")
    k_loss = float(kmodel.train_on_batch(x, y))
    m_loss = float(mmodel.train_on_batch(x, y))
    assert m_loss == pytest.approx(k_loss, rel=RTOL)
    for kw, mw in zip(kmodel.get_weights(), mmodel.get_weights()):
        np.testing.assert_allclose(mw, _numpy(kw), rtol=RTOL, atol=ATOL)


def _config_layers(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))["config"]["layers"]


def test_a_minikeras_file_with_ops_loads_in_keras(tmp_path):
    mmodel = residual(minikeras)
    _same_weights(residual(keras), mmodel)
    mmodel.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x, _ = _inputs()
    np.testing.assert_allclose(_numpy(loaded.predict(x, verbose=0)), mmodel.predict(x, verbose=0),
                               rtol=RTOL, atol=ATOL)
    assert [op.name for op in loaded.operations] == [op.name for op in mmodel.operations]


def test_a_keras_file_with_ops_loads_in_minikeras(tmp_path):
    kmodel = residual(keras)
    _same_weights(kmodel, residual(minikeras))
    kmodel.save(tmp_path / "k.keras")
    loaded = minikeras.saving.load_model(tmp_path / "k.keras")
    x, _ = _inputs()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), _numpy(kmodel.predict(x, verbose=0)),
                               rtol=RTOL, atol=ATOL)
    assert [op.name for op in loaded.operations] == [op.name for op in kmodel.operations]


def test_op_entries_are_written_as_keras_writes_them(tmp_path):
    kmodel, mmodel = residual(keras), residual(minikeras)
    kmodel.save(tmp_path / "k.keras")
    mmodel.save(tmp_path / "m.keras")

    def ops_of(path):
        return [{k: e[k] for k in ("module", "class_name", "registered_name")}
                | {"options": {k: v for k, v in e["config"].items() if k != "name"},
                   "constants": [a for a in e["inbound_nodes"][0]["args"]
                                 if not (isinstance(a, dict) and a.get("class_name") == "__keras_tensor__")
                                 and not isinstance(a, list)]}
                for e in _config_layers(path) if e["module"].startswith("keras.src.ops")]
    assert ops_of(tmp_path / "m.keras") == ops_of(tmp_path / "k.keras")


# One op each, between two layers: the options, constants and keys Keras writes for it.
OPS = {
    "sum": lambda o, x: o.sum(x, axis=1), "max": lambda o, x: o.max(x, axis=-1, keepdims=True),
    "softmax": lambda o, x: o.softmax(x), "reshape": lambda o, x: o.reshape(x, (-1, 2, 2)),
    "transpose": lambda o, x: o.transpose(o.reshape(x, (-1, 2, 2)), (0, 2, 1)),
    "stack": lambda o, x: o.stack([x, x], axis=1), "where": lambda o, x: o.where(x > 0, x, 0.0),
    "clip": lambda o, x: o.clip(x, -0.5, 0.5), "cast": lambda o, x: o.cast(x, "float16"),
    "pad": lambda o, x: o.pad(x, ((0, 0), (1, 1))), "split": lambda o, x: o.split(x, 2, axis=1)[1],
    "einsum": lambda o, x: o.einsum("bi,bi->b", x, x), "take": lambda o, x: o.take(x, np.array([0, 2]), axis=1),
    "erf": lambda o, x: o.erf(x), "abs": lambda o, x: o.abs(x), "top_k": lambda o, x: o.top_k(x, 2)[0],
    "mean_of_axes": lambda o, x: o.mean(o.reshape(x, (-1, 2, 2)), axis=(1, 2)),
    "ellipsis_and_newaxis": lambda o, x: x[..., None, 1:], "int_index": lambda o, x: x[:, 0],
    "mod_floordiv_rpow": lambda o, x: (x % 2.0) + (x // 2.0) + 2.0 ** x,
    "logical_operators": lambda o, x: o.cast(((x > 0.0) & (x < 1.0)) | ~(x > -1.0), "float32"),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_single_ops_cross_both_ways_with_equal_outputs(name, tmp_path):
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    expected = {}
    for lib, reader in ((keras, minikeras.saving.load_model), (minikeras, keras.models.load_model)):
        inp = lib.Input((4,), name="x")
        model = lib.Model(inp, OPS[name](lib.ops, lib.layers.Dense(4, name="dense")(inp)))
        model.layers[1].set_weights([np.eye(4, dtype="float32"), np.zeros(4, "float32")])
        path = tmp_path / f"{lib.__name__}.keras"
        model.save(path)
        expected[lib.__name__] = _numpy(model.predict(x, verbose=0))
        crossed = _numpy(reader(path).predict(x, verbose=0))
        np.testing.assert_allclose(crossed.astype("float32"), expected[lib.__name__].astype("float32"),
                                   rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(expected["minikeras"].astype("float32"), expected["keras"].astype("float32"),
                               rtol=1e-3, atol=1e-3)


def nested(lib):
    """A model with ops, used inside another model with ops of its own."""
    i = lib.Input((4,), name="inner_in")
    inner = lib.Model(i, lib.ops.mean(lib.layers.Dense(4, name="inner_dense")(i) + i, axis=-1, keepdims=True),
                      name="inner")
    o = lib.Input((4,), name="outer_in")
    y = inner(o) * 3.0
    return lib.Model(o, lib.layers.Dense(2, name="outer_dense")(lib.ops.concatenate([y, o], axis=-1)))


def test_a_nested_model_with_ops_crosses_both_ways(tmp_path):
    kmodel, mmodel = nested(keras), nested(minikeras)
    _same_weights(kmodel, mmodel)
    x = np.random.default_rng(2).standard_normal((3, 4)).astype("float32")
    expected = _numpy(kmodel.predict(x, verbose=0))
    np.testing.assert_allclose(mmodel.predict(x, verbose=0), expected, rtol=RTOL, atol=ATOL)
    kmodel.save(tmp_path / "k.keras")
    mmodel.save(tmp_path / "m.keras")
    np.testing.assert_allclose(minikeras.saving.load_model(tmp_path / "k.keras").predict(x, verbose=0), expected,
                               rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(_numpy(keras.models.load_model(tmp_path / "m.keras").predict(x, verbose=0)), expected,
                               rtol=RTOL, atol=ATOL)
