"""Boston housing prices: 506 Boston suburbs in the 1970s, 13 attributes, median price in k$.

``load_data(test_split=0.2, seed=113)`` reads Keras's ``~/.keras/datasets/boston_housing.npz``,
shuffles the rows with ``np.random.RandomState(seed)`` and splits them: x (n, 13), y (n,).
"""
import numpy as np

from ..utils.cache_files import cache_path, find_cached

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Return ``(x_train, y_train), (x_test, y_test)``."""
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: `test_split` must be in [0, 1). "
                         f"Received: test_split={test_split}.")
    source = find_cached("keras.datasets.boston_housing.load_data()", [cache_path(path)], ORIGIN)
    with np.load(source, allow_pickle=False) as f:
        if "x" not in f.files or "y" not in f.files:
            raise ValueError(f"{source} is not the Boston housing file: it holds {sorted(f.files)}, "
                             "expected 'x' and 'y'.")
        x, y = f["x"], f["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
