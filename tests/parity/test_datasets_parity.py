"""keras.datasets parity with real Keras 3: the same small cache files, in Keras's formats, give
the same arrays (values, shapes, dtypes) from both libraries.

Keras checks each file's hash and would download the real one over a fake, so its ``get_file``
is replaced by one that returns the fake file's path: everything after the download -- parsing,
shuffling, index shifting, filtering, splitting -- is Keras's own code.
"""
import importlib
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

from tests.datasets.test_keras_cache import fake_imdb, idx_gz, ragged, write_cifar10, cifar_batch  # noqa: E402


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    return tmp_path


def keras_module(monkeypatch, name, path):
    module = importlib.import_module(f"keras.src.datasets.{name}")
    if isinstance(path, list):
        paths = iter(path)
        monkeypatch.setattr(module, "get_file", lambda *a, **k: str(next(paths)))
    else:
        monkeypatch.setattr(module, "get_file", lambda *a, **k: str(path))
    return module


def assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        for mine, keras_array in zip(a, b):
            keras_array = np.asarray(keras_array)
            assert mine.shape == keras_array.shape and mine.dtype == keras_array.dtype
            if mine.dtype == object:
                assert [list(x) for x in mine] == [list(x) for x in keras_array]
            else:
                np.testing.assert_array_equal(mine, keras_array)


OPTIONS = [{}, {"num_words": 12, "skip_top": 4}, {"maxlen": 9, "seed": 7},
           {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 20},
           {"oov_char": 5, "index_from": 2, "num_words": 15}]


@pytest.mark.parametrize("options", OPTIONS)
def test_imdb(home, monkeypatch, options):
    path = home / "datasets" / "imdb.npz"
    fake_imdb(path)
    theirs = keras_module(monkeypatch, "imdb", path).load_data(**options)
    assert_same(minikeras.datasets.imdb.load_data(**options), theirs)


@pytest.mark.parametrize("options", OPTIONS + [{"test_split": 0.5}])
def test_reuters(home, monkeypatch, options):
    rng = np.random.default_rng(3)
    seqs = [[int(w) for w in rng.integers(1, 40, rng.integers(1, 12))] for _ in range(15)]
    path = home / "datasets" / "reuters.npz"
    np.savez(path, x=ragged(seqs), y=rng.integers(0, 46, 15))
    theirs = keras_module(monkeypatch, "reuters", path).load_data(**options)
    assert_same(minikeras.datasets.reuters.load_data(**options), theirs)
    assert minikeras.datasets.reuters.get_label_names() == keras.datasets.reuters.get_label_names()


@pytest.mark.parametrize("options", [{}, {"test_split": 0.3, "seed": 5}])
def test_boston_housing(home, monkeypatch, options):
    rng = np.random.default_rng(4)
    path = home / "datasets" / "boston_housing.npz"
    np.savez(path, x=rng.random((23, 13)), y=rng.random(23) * 50)
    theirs = keras_module(monkeypatch, "boston_housing", path).load_data(**options)
    assert_same(minikeras.datasets.boston_housing.load_data(**options), theirs)


@pytest.mark.parametrize("options", [{}, {"version": "small", "test_split": 0.25, "seed": 9}])
def test_california_housing(home, monkeypatch, options):
    rng = np.random.default_rng(6)
    path = home / "datasets" / "california_housing.npz"
    np.savez(path, x=rng.random((700, 8)), y=rng.random(700) * 5e5)
    theirs = keras_module(monkeypatch, "california_housing", path).load_data(**options)
    assert_same(minikeras.datasets.california_housing.load_data(**options), theirs)


def test_fashion_mnist(home, monkeypatch):
    folder = home / "datasets" / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(5)
    arrays = [(rng.integers(0, 10, 5), 0x801), (rng.integers(0, 256, (5, 28, 28)), 0x803),
              (rng.integers(0, 10, 3), 0x801), (rng.integers(0, 256, (3, 28, 28)), 0x803)]
    paths = [folder / f for f in minikeras.datasets.fashion_mnist.FILES]
    for p, (a, magic) in zip(paths, arrays):
        idx_gz(p, a, magic)
    theirs = keras_module(monkeypatch, "fashion_mnist", paths).load_data()
    assert_same(minikeras.datasets.fashion_mnist.load_data(), theirs)


def test_cifar10_and_cifar100(home, monkeypatch):
    target = home / "datasets" / "cifar-10-batches-py-target"
    (target / "cifar-10-batches-py").mkdir(parents=True)
    # Keras fills fixed 10,000-image slots per training batch, so its batches must be full size
    write_cifar10(target / "cifar-10-batches-py", sizes=(10000,) * 5 + (7,))
    theirs = keras_module(monkeypatch, "cifar10", target).load_data()
    assert_same(minikeras.datasets.cifar10.load_data(), theirs)

    target = home / "datasets" / "cifar-100-python-target"
    (target / "cifar-100-python").mkdir(parents=True)
    for seed, (name, n) in enumerate([("train", 6), ("test", 4)]):
        raw, _ = cifar_batch(n, seed, {"fine_labels": 100, "coarse_labels": 20})
        (target / "cifar-100-python" / name).write_bytes(raw)
    module = keras_module(monkeypatch, "cifar100", target)
    for mode in ["fine", "coarse"]:
        assert_same(minikeras.datasets.cifar100.load_data(mode), module.load_data(mode))
