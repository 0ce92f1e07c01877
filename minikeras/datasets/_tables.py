"""What the two housing-price datasets share: a table ``x`` with targets ``y`` in one ``.npz``
file, shuffled with ``np.random.RandomState(seed)`` and split at ``1 - test_split``."""
import numpy as np

from ..utils.cache_files import cache_path, find_cached

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def check_test_split(test_split, what):
    if not 0 <= test_split < 1:
        raise ValueError(f"{what}: `test_split` must be in [0, 1). Received: test_split={test_split}.")


def read_table(path, keras_name, what):
    """``(x, y)`` from Keras's cached ``path`` (``~/.keras/datasets/<path>``), or a clear error."""
    source = find_cached(what, [cache_path(path)], ORIGIN_FOLDER + keras_name)
    with np.load(source, allow_pickle=False) as f:
        if "x" not in f.files or "y" not in f.files:
            raise ValueError(f"{source} is not a {keras_name} file: it holds {sorted(f.files)}, "
                             "expected 'x' and 'y'.")
        return f["x"], f["y"]


def shuffle_split(x, y, test_split, seed):
    """Rows shuffled together, the first ``int(n * (1 - test_split))`` for training."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
