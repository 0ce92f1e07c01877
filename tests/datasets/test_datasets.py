"""datasets.mnist.load_data: Keras's layout, the shipped real digits, and the Keras cache file."""
import os

import numpy as np
import pytest

from minikeras.datasets import mnist


def test_shipped_subset_has_keras_layout_and_looks_like_mnist(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no ~/.keras/datasets/mnist.npz there
    with pytest.warns(UserWarning, match="8000 training and 2000 test images"):
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))
    assert 25 < x_train.mean() < 40 and x_train.max() == 255       # MNIST's mean pixel is about 33
    border = np.concatenate([x_train[:, :2].ravel(), x_train[:, -2:].ravel()])
    assert (border > 0).mean() < 0.01                                  # digits are centred
    # no image is in both parts
    train_keys = {img.tobytes() for img in x_train}
    assert not any(img.tobytes() in train_keys for img in x_test)


def test_reads_the_keras_cache_file_when_present(tmp_path, monkeypatch):
    cache = tmp_path / "datasets"
    cache.mkdir()
    x = np.zeros((3, 28, 28), np.uint8)
    np.savez(cache / "mnist.npz", x_train=x, y_train=np.array([1, 2, 3], np.uint8), x_test=x[:1],
             y_test=np.array([4], np.uint8))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (3, 28, 28) and list(y_train) == [1, 2, 3] and list(y_test) == [4]
    np.savez(cache / "broken.npz", x_train=x)
    with pytest.raises(ValueError, match="lacks the arrays"):
        mnist.load_data(str(cache / "broken.npz"))
    assert os.path.isabs(str(cache / "broken.npz"))
