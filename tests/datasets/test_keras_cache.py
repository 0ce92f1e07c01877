"""keras.datasets beyond MNIST: Keras's cache files, in their real formats, written small into a
temporary KERAS_HOME; their absence gives an error naming the file and its place."""
import gzip
import io
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

from minikeras import datasets
from minikeras.datasets import boston_housing, cifar10, cifar100, fashion_mnist, imdb, reuters


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    return tmp_path


def cifar_batch(n, seed, label_keys):
    """A CIFAR batch as the original files hold it: a pickled dict with bytes keys (protocol 3
    writes bytes natively, as the original Python 2 pickles wrote their str)."""
    rng = np.random.default_rng(seed)
    d = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"batch_label": b"fake"}
    for key, high in label_keys.items():
        d[key.encode()] = [int(v) for v in rng.integers(0, high, n)]
    return pickle.dumps(d, protocol=3), d


def write_cifar10(folder, sizes=(3, 2, 2, 2, 2, 4)):
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    batches = {}
    for seed, (name, n) in enumerate(zip(names, sizes)):
        raw, d = cifar_batch(n, seed, {"labels": 10})
        batches[name] = d
        (folder / name).write_bytes(raw)
    return batches


def make_tar(path, folder):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)


@pytest.mark.parametrize("layout", ["keras3_dir", "keras2_dir", "keras3_archive", "original_tar"])
def test_cifar10_reads_every_cache_layout(home, tmp_path, layout):
    src = tmp_path / "src" / "cifar-10-batches-py"
    src.mkdir(parents=True)
    batches = write_cifar10(src)
    data = home / "datasets"
    if layout == "keras3_dir":
        (data / "cifar-10-batches-py-target").mkdir()
        src.rename(data / "cifar-10-batches-py-target" / "cifar-10-batches-py")
    elif layout == "keras2_dir":
        src.rename(data / "cifar-10-batches-py")
    elif layout == "keras3_archive":
        make_tar(data / "cifar-10-batches-py-target_archive", src)
    else:
        make_tar(data / "cifar-10-python.tar.gz", src)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (11, 32, 32, 3) and x_test.shape == (4, 32, 32, 3)
    assert y_train.shape == (11, 1) and y_test.shape == (4, 1)
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    # row layout: 1024 red values, then green, then blue, each row-major 32x32
    row = batches["data_batch_2"][b"data"][1]
    np.testing.assert_array_equal(x_train[4, :, :, 0], row[:1024].reshape(32, 32))
    np.testing.assert_array_equal(x_train[4, 5, 7], row[[5 * 32 + 7, 1024 + 5 * 32 + 7, 2048 + 5 * 32 + 7]])
    assert list(y_train[:3, 0]) == batches["data_batch_1"][b"labels"]
    assert list(y_test[:, 0]) == batches["test_batch"][b"labels"]


def test_cifar100_label_modes(home):
    folder = home / "datasets" / "cifar-100-python-target" / "cifar-100-python"
    folder.mkdir(parents=True)
    written = {}
    for seed, (name, n) in enumerate([("train", 5), ("test", 3)]):
        raw, written[name] = cifar_batch(n, seed, {"fine_labels": 100, "coarse_labels": 20})
        (folder / name).write_bytes(raw)
    (x_train, y_fine), (x_test, _) = cifar100.load_data()
    (_, y_coarse), (_, y_test_coarse) = cifar100.load_data(label_mode="coarse")
    assert x_train.shape == (5, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_fine.shape == (5, 1) and y_fine.dtype == np.int64
    assert list(y_fine[:, 0]) == written["train"][b"fine_labels"]
    assert list(y_coarse[:, 0]) == written["train"][b"coarse_labels"]
    assert list(y_test_coarse[:, 0]) == written["test"][b"coarse_labels"]
    with pytest.raises(ValueError, match='"fine", "coarse".*label_mode=\'medium\''):
        cifar100.load_data(label_mode="medium")


def test_a_pickle_that_builds_other_objects_is_refused(home):
    folder = home / "datasets" / "cifar-10-batches-py"
    folder.mkdir()
    write_cifar10(folder)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": os.getcwd, b"labels": []}, protocol=3))
    with pytest.raises(pickle.UnpicklingError, match="posix.getcwd|nt.getcwd"):
        cifar10.load_data()


def test_missing_files_name_the_place_and_the_origin(home):
    data = str(home / "datasets")
    cases = [(cifar10.load_data, "cifar-10-batches-py-target_archive", "cifar-10-python.tar.gz"),
             (cifar100.load_data, "cifar-100-python-target_archive", "cifar-100-python.tar.gz"),
             (fashion_mnist.load_data, os.path.join("fashion-mnist", "train-labels-idx1-ubyte.gz"),
              "tf-keras-datasets/train-labels-idx1-ubyte.gz"),
             (imdb.load_data, "imdb.npz", "tf-keras-datasets/imdb.npz"),
             (imdb.get_word_index, "imdb_word_index.json", "imdb_word_index.json"),
             (reuters.load_data, "reuters.npz", "tf-keras-datasets/reuters.npz"),
             (reuters.get_word_index, "reuters_word_index.json", "reuters_word_index.json"),
             (boston_housing.load_data, "boston_housing.npz", "tf-keras-datasets/boston_housing.npz")]
    for load, fname, origin in cases:
        with pytest.raises(FileNotFoundError) as info:
            load()
        message = str(info.value)
        assert "does not download" in message and os.path.join(data, fname) in message, message
        assert origin in message, message


def idx_gz(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_reads_the_idx_files(home):
    folder = home / "datasets" / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    x_train, x_test = rng.integers(0, 256, (6, 28, 28)), rng.integers(0, 256, (2, 28, 28))
    y_train, y_test = rng.integers(0, 10, 6), rng.integers(0, 10, 2)
    idx_gz(folder / "train-labels-idx1-ubyte.gz", y_train, 0x801)
    idx_gz(folder / "train-images-idx3-ubyte.gz", x_train, 0x803)
    idx_gz(folder / "t10k-labels-idx1-ubyte.gz", y_test, 0x801)
    idx_gz(folder / "t10k-images-idx3-ubyte.gz", x_test, 0x803)
    (a, b), (c, d) = fashion_mnist.load_data()
    assert a.shape == (6, 28, 28) and b.shape == (6,) and c.shape == (2, 28, 28) and d.shape == (2,)
    assert a.dtype == b.dtype == np.uint8
    np.testing.assert_array_equal(a, x_train)
    np.testing.assert_array_equal(d, y_test)
    idx_gz(folder / "t10k-labels-idx1-ubyte.gz", x_test, 0x803)   # images where labels belong
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz.*magic number 2051, expected 2049"):
        fashion_mnist.load_data()


def ragged(lists):
    out = np.empty(len(lists), dtype=object)
    out[:] = [list(x) for x in lists]
    return out


def fake_imdb(path):
    rng = np.random.default_rng(1)
    seqs = [[int(w) for w in rng.integers(1, 30, rng.integers(2, 12))] for _ in range(14)]
    np.savez(path, x_train=ragged(seqs[:8]), y_train=np.array([0, 1] * 4, dtype=np.int64),
             x_test=ragged(seqs[8:]), y_test=np.array([1, 0, 1, 1, 0, 0], dtype=np.int64))
    return seqs


def test_imdb_encoding_follows_keras_steps(home):
    seqs = fake_imdb(home / "datasets" / "imdb.npz")
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert x_train.dtype == object and x_train.shape == (8,) and x_test.shape == (6,)
    # step 1: Keras's permutation, one RandomState(113) drawn for train then test
    rng = np.random.RandomState(113)
    train_order, test_order = np.arange(8), np.arange(6)
    rng.shuffle(train_order)
    rng.shuffle(test_order)
    # step 2: start_char=1 and words shifted by index_from=3
    assert x_train[0] == [1] + [w + 3 for w in seqs[train_order[0]]]
    assert x_test[2] == [1] + [w + 3 for w in seqs[8 + test_order[2]]]
    assert list(y_train) == list(np.array([0, 1] * 4)[train_order])
    # step 4: num_words / skip_top map outside words to oov_char
    (x_small, _), _ = imdb.load_data(num_words=10, skip_top=5, oov_char=2)
    assert all(w == 2 or 5 <= w < 10 for seq in x_small for w in seq)
    (x_drop, _), _ = imdb.load_data(num_words=10, oov_char=None, start_char=None, index_from=0)
    assert list(x_drop[0]) == [w for w in seqs[train_order[0]] if w < 10]
    # step 3: maxlen drops long reviews, counting the start mark
    (x_short, y_short), _ = imdb.load_data(maxlen=8)
    assert all(len(x) < 8 for x in x_short) and len(x_short) == len(y_short)
    assert len(x_short) == sum(len(seqs[i]) + 1 < 8 for i in range(8))
    with pytest.raises(ValueError, match="maxlen=2.*Increase maxlen"):
        imdb.load_data(maxlen=2)
    with pytest.raises(TypeError, match="nb_words"):
        imdb.load_data(nb_words=10)


def test_word_index_and_reuters(home):
    (home / "datasets" / "imdb_word_index.json").write_text(json.dumps({"the": 1, "and": 2}))
    assert imdb.get_word_index() == {"the": 1, "and": 2}
    rng = np.random.default_rng(2)
    seqs = [[int(w) for w in rng.integers(1, 40, rng.integers(1, 9))] for _ in range(10)]
    labels = rng.integers(0, 46, 10)
    np.savez(home / "datasets" / "reuters.npz", x=ragged(seqs), y=labels)
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.3)
    assert len(x_train) == 7 and len(x_test) == 3 and y_train.shape == (7,)
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert list(x_test[0]) == [1] + [w + 3 for w in seqs[order[7]]]
    assert list(y_test) == list(labels[order[7:]])
    names = reuters.get_label_names()
    assert len(names) == 46 and names[3] == "earn" and names[-1] == "lead"
    np.savez(home / "datasets" / "bad.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match=r"lacks the arrays \['y'\]"):
        reuters.load_data(path="bad.npz")


def test_boston_housing_split_and_seed(home):
    x = np.arange(20 * 13, dtype="float64").reshape(20, 13)
    y = np.arange(20, dtype="float64")
    np.savez(home / "datasets" / "boston_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (16, 13) and x_test.shape == (4, 13) and y_test.shape == (4,)
    np.testing.assert_array_equal(x_train[:, 0] / 13, y_train)          # rows stay paired
    assert sorted(np.concatenate([y_train, y_test])) == list(y)
    (_, other), _ = boston_housing.load_data(seed=1)
    assert list(other) != list(y_train)
    (_, y5), (_, t5) = boston_housing.load_data(test_split=0.5)
    assert len(y5) == len(t5) == 10
    with pytest.raises(ValueError, match="test_split=1"):
        boston_housing.load_data(test_split=1)


def test_datasets_package_lists_the_keras_modules():
    for name in ["mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing"]:
        assert callable(getattr(datasets, name).load_data)


def test_california_housing_versions(home):
    from minikeras.datasets import california_housing
    x = np.arange(1000 * 8, dtype="float64").reshape(1000, 8)
    y = np.arange(1000, dtype="float64")
    np.savez(home / "datasets" / "california_housing.npz", x=x, y=y)
    (x_train, y_train), (x_test, y_test) = california_housing.load_data()
    assert x_train.shape == (800, 8) and x_test.shape == (200, 8) and y_train.shape == (800,)
    np.testing.assert_array_equal(x_train[:, 0] / 8, y_train)
    (x_small, y_small), (_, t_small) = california_housing.load_data(version="small", test_split=0.5)
    assert len(y_small) == len(t_small) == 300 and y_small.max() < 600
    with pytest.raises(ValueError, match="'small', 'large'.*'medium'"):
        california_housing.load_data(version="medium")
    (home / "datasets" / "california_housing.npz").unlink()
    with pytest.raises(FileNotFoundError, match="california_housing.npz"):
        california_housing.load_data()
