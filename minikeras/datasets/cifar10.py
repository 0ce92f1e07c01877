"""CIFAR-10: 50,000 + 10,000 colour images 32x32 in 10 classes.

``(x_train, y_train), (x_test, y_test) = cifar10.load_data()`` gives uint8 images
(50000, 32, 32, 3) / (10000, 32, 32, 3) and uint8 labels of shape (n, 1), as Keras does, read
from Keras's cache (see ``_cifar.py`` for the file names); minikeras never downloads.
"""
import numpy as np

from ._cifar import CifarSource, channels_last

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def load_data():
    """Return ``(x_train, y_train), (x_test, y_test)``: the five training batches in order,
    then the test batch."""
    source = CifarSource("cifar-10-batches-py", "cifar-10-batches-py-target", ORIGIN,
                         "keras.datasets.cifar10.load_data()")
    parts = [source.read(f"data_batch_{i}", "labels") for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = np.concatenate([y for _, y in parts])
    x_test, y_test = source.read("test_batch", "labels")
    y_train, y_test = y_train.astype("uint8"), y_test.astype("uint8")
    return ((channels_last(x_train), y_train.reshape(-1, 1)),
            (channels_last(x_test), y_test.reshape(-1, 1)))
