"""``minikeras warmup`` fills numba's cache with every kernel the seed models use.

The check is the one the grader's test uses (``tests/autograde/test_autograde_grade.py``):
numba writes a cache index (``.nbi``) for every function it compiles, and announces each
compilation (a cache miss) with a ``numba:compile`` event. After the warm-up, a new
process training the seed MLP, CNN (whose second convolution, 4x4, takes the Winograd
path) and LSTM, and a block of the toy ResNet (whose 3x3 convolutions do too), must do neither.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minikeras.__main__ import main

ROOT = Path(__file__).resolve().parents[2]

SEED_MODELS = r"""
import json
import numpy as np
from numba.core import event

compiled = []


class Counter(event.Listener):
    def on_start(self, e):
        d = e.data["dispatcher"]
        compiled.append(d.py_func.__module__ + "." + d.py_func.__qualname__)

    def on_end(self, e):
        pass


event.register("numba:compile", Counter())
import minikeras as keras
from minikeras import layers

rng = np.random.default_rng(0)


def train(inputs, outputs, x):
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="mse")
    model.train_on_batch(x, rng.random((len(x), 1), dtype=np.float32))
    model.predict(x, verbose=0)


i = keras.Input((10,))  # seed MLP
h = layers.Dense(10, activation="relu")(i)
h = layers.Dense(20, activation="relu")(h)
h = layers.Dense(10, activation="relu")(h)
train(i, layers.Dense(1, activation="sigmoid")(h), rng.random((32, 10), dtype=np.float32))
i = keras.Input((64, 64, 1))  # seed CNN
h = layers.MaxPooling2D(2)(layers.Conv2D(32, 4, activation="relu")(i))
h = layers.MaxPooling2D(2)(layers.Conv2D(16, 4, activation="relu")(h))
h = layers.Dense(10, activation="relu")(layers.Flatten()(h))
train(i, layers.Dense(1, activation="sigmoid")(h), rng.random((32, 64, 64, 1), dtype=np.float32))
i = keras.Input((100, 1))  # seed LSTM
h = layers.Dense(10, activation="relu")(layers.LSTM(10)(i))
train(i, layers.Dense(1, activation="sigmoid")(h), rng.random((32, 100, 1), dtype=np.float32))
i = keras.Input((9, 9, 64))  # a block of the toy ResNet: its 3x3 convolutions run Winograd
h = layers.Conv2D(64, 3, padding="same", activation="relu")(i)
h = layers.Conv2D(64, 3, padding="same", activation="relu")(h)
h = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling2D()(layers.add([h, i])))
train(i, h, rng.random((8, 9, 9, 64), dtype=np.float32))
print(json.dumps(compiled))
"""


def run(args, cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT), MINIKERAS_KERNELS="fast")
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=900, check=True).stdout


def indexes(cache):
    return {p: p.stat().st_mtime_ns for p in Path(cache).rglob("*.nbi")}


def test_after_warmup_the_seed_models_compile_nothing(tmp_path):
    cache = tmp_path / "numba-cache"
    out = run(["-m", "minikeras", "warmup"], cache)
    assert "minikeras warmup:" in out and " 0 kernel signatures" not in out  # the cache started empty
    before = indexes(cache)
    assert before
    assert json.loads(run(["-c", SEED_MODELS], cache).strip().splitlines()[-1]) == []
    assert indexes(cache) == before  # no index written or rewritten
    # and a second warm-up finds the cache complete
    assert "minikeras warmup: 0 kernel signatures compiled" in run(["-m", "minikeras", "warmup"], cache)


def test_the_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'minikeras = "minikeras.__main__:main"' in text


def test_the_command_needs_a_subcommand(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "warmup" in capsys.readouterr().err


PACKAGE_IMPORT = r"""
import builtins, json, sys
compiled = []
original = builtins.compile
builtins.compile = lambda source, filename, *args, **kwargs: compiled.append(filename) or original(
    source, filename, *args, **kwargs)
sys.path.insert(0, sys.argv[1])
import pkg.inner
print(json.dumps([name for name in compiled if name.startswith(sys.argv[1])]))
"""


def test_warmup_byte_compiles_the_package_once_python_may_not(tmp_path):
    """With PYTHONDONTWRITEBYTECODE set, a new process compiles every module's source on import
    unless the bytecode was written beforehand, as compile_bytecode does (warmup's step 0)."""
    from minikeras.utils.warmup import compile_bytecode
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("A = 1\n")
    (package / "inner.py").write_text("from . import A\nB = A + 1\n")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

    def sources_compiled():
        out = subprocess.run([sys.executable, "-c", PACKAGE_IMPORT, str(tmp_path)], env=env, capture_output=True,
                             text=True, timeout=120, check=True).stdout
        return sorted(Path(name).name for name in json.loads(out))
    assert sources_compiled() == ["__init__.py", "inner.py"]
    assert sources_compiled() == ["__init__.py", "inner.py"]  # nothing was written
    assert compile_bytecode(str(package)) is True
    assert sources_compiled() == []
    package.chmod(0o555)
    try:
        assert compile_bytecode(str(package)) is (os.geteuid() == 0)  # root may write anyway
    finally:
        package.chmod(0o755)
