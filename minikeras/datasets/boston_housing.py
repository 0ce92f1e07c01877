"""Boston housing prices: 506 Boston suburbs in the 1970s, 13 attributes, median price in k$.

``load_data(test_split=0.2, seed=113)`` reads Keras's ``~/.keras/datasets/boston_housing.npz``,
shuffles the rows with ``np.random.RandomState(seed)`` and splits them: x (n, 13), y (n,).
"""
from ._tables import check_test_split, read_table, shuffle_split


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Return ``(x_train, y_train), (x_test, y_test)``."""
    check_test_split(test_split, "boston_housing.load_data")
    x, y = read_table(path, "boston_housing.npz", "keras.datasets.boston_housing.load_data()")
    return shuffle_split(x, y, test_split, seed)
