"""The two kernel backends: one interface, switchable, and the same models on either."""
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minikeras as keras
from minikeras import kernels
from minikeras.kernels import fast, reference
from minikeras.kernels.interface import INTERFACE

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", INTERFACE)
def test_both_backends_define_every_function_with_one_signature(name):
    assert inspect.signature(getattr(fast, name)) == inspect.signature(getattr(reference, name))
    assert name in fast.__all__ and name in reference.__all__


def test_use_switches_the_backend_and_returns_the_previous_one():
    started_on = kernels.selected
    previous = kernels.use("reference")
    try:
        assert previous == started_on.__name__.rsplit(".", 1)[1]
        assert kernels.selected is reference
        assert kernels.use("fast") == "reference"
        assert kernels.selected is fast
        with pytest.raises(ValueError, match="Unknown kernel backend 'numpy'"):
            kernels.use("numpy")
        assert kernels.selected is fast
    finally:
        kernels.use(previous)
    assert kernels.selected is started_on


@pytest.fixture
def on_backend():
    """on_backend(name, fn): fn() with every operation running on that backend."""
    def run(name, fn):
        previous = kernels.use(name)
        try:
            return fn()
        finally:
            kernels.use(previous)
    return run


def _models():
    L = keras.layers
    yield "cnn", (6, 12, 12, 2), lambda inp: L.Dense(3)(L.Flatten()(L.AveragePooling2D()(L.MaxPooling2D()(
        L.DepthwiseConv2D(3, padding="same")(L.Conv2D(4, 3, strides=1, padding="same", activation="relu")(inp))))))
    yield "transpose", (6, 5, 5, 2), lambda inp: L.Dense(3)(L.GlobalAveragePooling2D()(
        L.Conv2DTranspose(3, 3, strides=2, activation="tanh")(inp)))
    yield "conv1d", (6, 9, 2), lambda inp: L.Dense(3)(L.Flatten()(L.MaxPooling1D()(
        L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="sigmoid")(inp))))
    yield "rnn", (6, 7, 3), lambda inp: L.Dense(3)(L.LSTM(4)(L.GRU(5, return_sequences=True)(
        L.SimpleRNN(4, return_sequences=True)(inp))))


@pytest.mark.parametrize("name,shape,body", list(_models()), ids=[m[0] for m in _models()])
def test_a_model_trains_and_predicts_alike_on_both_backends(on_backend, name, shape, body):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype("float32")
    y = rng.standard_normal((shape[0], 3)).astype("float32")
    inp = keras.Input(shape[1:])
    model = keras.Model(inp, body(inp))
    start = model.get_weights()

    def train():
        model.set_weights(start)
        model.compile("adam", "mse")
        losses = [model.train_on_batch(x, y) for _ in range(3)]
        return losses, model.get_weights(), model.predict_on_batch(x)

    fast_losses, fast_weights, fast_pred = on_backend("fast", train)
    ref_losses, ref_weights, ref_pred = on_backend("reference", train)
    np.testing.assert_allclose(fast_losses, ref_losses, rtol=1e-4)
    for a, b in zip(fast_weights, ref_weights):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(fast_pred, ref_pred, rtol=1e-3, atol=1e-5)


SCRIPT = """
import sys
import numpy as np
import minikeras as keras
print(keras.kernels.selected.__name__)
fast_modules = ("fast", "dense", "conv", "im2col", "pooling", "lstm", "gru", "simple_rnn", "activations")
print([m for m in fast_modules if "minikeras.kernels." + m in sys.modules])
keras.utils.set_random_seed(7)
inp = keras.Input((8,))
model = keras.Model(inp, keras.layers.Dense(1)(keras.layers.Dense(5, activation="tanh")(inp)))
model.compile("sgd", "mse")
x = np.linspace(-1, 1, 32, dtype="float32").reshape(4, 8)
for _ in range(3):
    model.train_on_batch(x, x[:, :1])
np.save(sys.argv[1], model.predict_on_batch(x))
"""


def test_minikeras_kernels_environment_variable_selects_the_references(tmp_path):
    results = {}
    for name in ("fast", "reference"):
        env = dict(os.environ, MINIKERAS_KERNELS=name, PYTHONPATH=str(ROOT))
        out = tmp_path / f"{name}.npy"
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(out)], env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert lines[0] == f"minikeras.kernels.{name}"
        if name == "reference":  # the numba kernel modules are never imported
            assert lines[1] == "[]"
        results[name] = np.load(out)
    np.testing.assert_allclose(results["fast"], results["reference"], rtol=1e-5, atol=1e-6)
    env = dict(os.environ, MINIKERAS_KERNELS="numba", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", "import minikeras"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0 and "Unknown kernel backend 'numba'" in proc.stderr
