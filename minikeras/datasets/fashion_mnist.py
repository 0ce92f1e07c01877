"""Fashion-MNIST: 60,000 + 10,000 greyscale 28x28 images of clothes in 10 classes (Zalando).

Keras keeps the four original gzip files in ``~/.keras/datasets/fashion-mnist/``; they are in
the IDX format: a big-endian header (8 bytes for labels, 16 for images) and then the raw uint8
values. ``load_data()`` returns uint8 images (n, 28, 28) and uint8 labels (n,).
"""
import gzip
import os

import numpy as np

from ..utils.cache_files import cache_path, missing_file_error

BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read_idx(path, header, magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if found != magic:
        raise ValueError(f"{path} is not an IDX file of the expected kind: magic number {found}, "
                         f"expected {magic}.")
    return np.frombuffer(raw, np.uint8, offset=header)


def load_data():
    """Return ``(x_train, y_train), (x_test, y_test)``."""
    paths = [cache_path(os.path.join("fashion-mnist", f)) for f in FILES]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise missing_file_error("keras.datasets.fashion_mnist.load_data()", missing,
                                 " and ".join(BASE + os.path.basename(p) for p in missing))
    # IDX magic numbers: 0x801 = unsigned bytes, 1 dimension; 0x803 = unsigned bytes, 3 dimensions.
    y_train = _read_idx(paths[0], 8, 0x801)
    x_train = _read_idx(paths[1], 16, 0x803).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], 8, 0x801)
    x_test = _read_idx(paths[3], 16, 0x803).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
