"""Constraint parity with real Keras 3 (torch backend): the same arrays from each constraint,
the same configs, and the same weights after SGD steps on a constrained Dense.

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_constraints_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

CASES = [
    ("MaxNorm", dict()),
    ("MaxNorm", dict(max_value=1.0)),
    ("MaxNorm", dict(max_value=0.7, axis=[0, 1, 2])),
    ("NonNeg", dict()),
    ("UnitNorm", dict()),
    ("UnitNorm", dict(axis=-1)),
    ("MinMaxNorm", dict()),
    ("MinMaxNorm", dict(min_value=0.5, max_value=1.5, rate=0.3, axis=1)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items())}" for name, kwargs in CASES]


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_constraints_give_the_same_arrays(name, kwargs):
    w = np.random.default_rng(0).normal(0, 1.5, (3, 3, 4, 5)).astype("float32")
    if "axis" not in kwargs or kwargs["axis"] in (0, 1, -1):
        w = w.reshape(9, 20)
    expected = keras.ops.convert_to_numpy(getattr(keras.constraints, name)(**kwargs)(w))
    got = np.asarray(getattr(minikeras.constraints, name)(**kwargs)(w))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_configs_match_and_cross(name, kwargs):
    k = getattr(keras.constraints, name)(**kwargs)
    m = getattr(minikeras.constraints, name)(**kwargs)
    assert minikeras.constraints.serialize(m) == keras.constraints.serialize(k)
    assert keras.constraints.deserialize(minikeras.constraints.serialize(m)).get_config() == k.get_config()
    assert minikeras.constraints.deserialize(keras.constraints.serialize(k)).get_config() == m.get_config()


def _dense(lib, **kwargs):
    inputs = lib.Input((4,))
    return lib.Model(inputs, lib.layers.Dense(3, **kwargs)(inputs))


@pytest.mark.parametrize("kwargs", [
    dict(kernel_constraint="max_norm_1"),
    dict(kernel_constraint="unit_norm", bias_constraint="non_neg"),
    dict(kernel_constraint="min_max_norm"),
], ids=["MaxNorm(1)", "UnitNorm+NonNeg", "MinMaxNorm"])
def test_constrained_dense_trains_like_keras(kwargs):
    def make(lib):
        made = {}
        for arg, key in kwargs.items():
            made[arg] = (lib.constraints.MaxNorm(1.0) if key == "max_norm_1" else
                         lib.constraints.MinMaxNorm(0.5, 1.0, rate=0.5) if key == "min_max_norm" else key)
        return _dense(lib, **made)
    kr, mk = make(keras), make(minikeras)
    rng = np.random.default_rng(1)
    weights = [rng.normal(0, 1.0, np.shape(w)).astype("float32") for w in mk.get_weights()]
    kr.set_weights(weights)
    mk.set_weights(weights)
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 3)).astype("float32") * 3
    for step in range(3):
        batch = slice(step * 5, step * 5 + 5)
        k_loss = float(kr.train_on_batch(x[batch], y[batch]))
        m_loss = float(mk.train_on_batch(x[batch], y[batch]))
        np.testing.assert_allclose(m_loss, k_loss, rtol=1e-4)
        for a, b in zip(kr.get_weights(), mk.get_weights()):
            np.testing.assert_allclose(b, np.asarray(a), rtol=1e-4, atol=1e-5)


def test_constrained_model_files_cross_both_ways(tmp_path):
    def make(lib):
        c = lib.constraints
        inputs = lib.Input((6, 2))
        x = lib.layers.Conv1D(3, 2, kernel_constraint=c.MaxNorm(2, axis=[0, 1]),
                              bias_constraint=c.NonNeg())(inputs)
        x = lib.layers.LSTM(4, recurrent_constraint=c.UnitNorm())(x)
        x = lib.layers.BatchNormalization(gamma_constraint=c.MinMaxNorm(0.1, 3.0))(x)
        return lib.Model(inputs, lib.layers.Dense(2, kernel_constraint=c.MaxNorm(1.0))(x))
    mk = make(minikeras)
    mk.save(tmp_path / "mk.keras")
    from_mk = keras.saving.load_model(tmp_path / "mk.keras")
    assert [layer.get_config().get("kernel_constraint") for layer in from_mk.layers] == \
           [layer.get_config().get("kernel_constraint") for layer in mk.layers]
    make(keras).save(tmp_path / "kr.keras")
    from_kr = minikeras.saving.load_model(tmp_path / "kr.keras")
    lstm = from_kr.layers[2]
    assert isinstance(lstm.recurrent_kernel.constraint, minikeras.constraints.UnitNorm)
    assert from_kr.layers[3].gamma.constraint.get_config() == \
        {"min_value": 0.1, "max_value": 3.0, "rate": 1.0, "axis": 0}
    assert from_kr.layers[1].bias.constraint.__class__ is minikeras.constraints.NonNeg
