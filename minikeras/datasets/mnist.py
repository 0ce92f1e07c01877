"""MNIST handwritten digits: ``(x_train, y_train), (x_test, y_test) = mnist.load_data()``.

Keras downloads the full set (60,000 + 10,000 images) to ``~/.keras/datasets/mnist.npz``.
minikeras never downloads: it reads that file when it is there, and otherwise a
10,000-digit subset shipped inside the package (8,000 train + 2,000 test, see
``data/README.md``), with the same array layout: uint8 images (n, 28, 28), uint8 labels (n,).
"""
import os
import warnings

import numpy as np

_SUBSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mnist_subset.npz")


def _keras_cache_path(path):
    cache_dir = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(cache_dir, "datasets", path)


def load_data(path="mnist.npz"):
    """Return ``(x_train, y_train), (x_test, y_test)`` as numpy arrays.

    ``path`` is the file name under ``~/.keras/datasets`` (or an absolute path) holding
    the full MNIST set; when no such file exists the shipped subset is returned and a
    one-line note says so, because its sizes (8000/2000) differ from Keras's (60000/10000).
    """
    full = path if os.path.isabs(path) else _keras_cache_path(path)
    source = full if os.path.exists(full) else _SUBSET
    if source is _SUBSET:
        warnings.warn(
            f"minikeras: {full} not found (minikeras does not download); using the MNIST subset "
            "shipped with minikeras: 8000 training and 2000 test images. Write "
            "x_train.reshape(-1, 784) rather than reshape(60000, 784).", stacklevel=2)
    with np.load(source, allow_pickle=False) as f:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
        if missing:
            raise ValueError(f"{source} is not an MNIST file: it lacks the arrays {sorted(missing)}.")
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    return (x_train, y_train), (x_test, y_test)
