"""California housing prices (1990 census): 20,640 districts, 8 attributes, median house value.

``load_data(version="large", test_split=0.2, seed=113)`` reads Keras's
``~/.keras/datasets/california_housing.npz``; ``version="small"`` keeps its first 600 rows
(before shuffling), as Keras does. x (n, 8), y (n,).
"""
from ._tables import check_test_split, read_table, shuffle_split


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Return ``(x_train, y_train), (x_test, y_test)``."""
    check_test_split(test_split, "california_housing.load_data")
    if version not in ("small", "large"):
        raise ValueError(f"california_housing.load_data: `version` must be one of 'small', 'large'. "
                         f"Received: version={version!r}")
    x, y = read_table(path, "california_housing.npz", "keras.datasets.california_housing.load_data()")
    if version == "small":
        x, y = x[:600], y[:600]
    return shuffle_split(x, y, test_split, seed)
