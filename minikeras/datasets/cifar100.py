"""CIFAR-100: 50,000 + 10,000 colour images 32x32, 100 fine classes grouped in 20 coarse ones.

``cifar100.load_data(label_mode="fine")`` gives uint8 images (n, 32, 32, 3) and labels (n, 1):
the fine label (0-99) or, with ``label_mode="coarse"``, the superclass (0-19). The labels are
int64, as Keras 3 returns them (its docstring says uint8; its code keeps the file's Python ints).
"""
from ._cifar import CifarSource, channels_last

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"


def load_data(label_mode="fine"):
    """Return ``(x_train, y_train), (x_test, y_test)`` with ``label_mode`` "fine" or "coarse"."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'cifar100.load_data: `label_mode` must be one of "fine", "coarse". '
                         f"Received: label_mode={label_mode!r}.")
    source = CifarSource("cifar-100-python", "cifar-100-python-target", ORIGIN,
                         "keras.datasets.cifar100.load_data()")
    x_train, y_train = source.read("train", f"{label_mode}_labels")
    x_test, y_test = source.read("test", f"{label_mode}_labels")
    return ((channels_last(x_train), y_train.reshape(-1, 1)),
            (channels_last(x_test), y_test.reshape(-1, 1)))
