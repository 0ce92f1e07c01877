"""What CIFAR-10 and CIFAR-100 share: finding Keras's cached copy and reading its batches.

The files are the original "python version" of CIFAR: pickled dicts with ``b"data"`` (n, 3072)
uint8 rows (1024 red, then green, then blue values of a 32x32 image) and the label lists.
Keras 3 keeps the downloaded archive as ``datasets/<name>-target_archive`` and extracts it into
``datasets/<name>-target/``; Keras 2 used ``datasets/<name>.tar.gz`` and ``datasets/<name>/``.
Any of these is read, the archives without extracting them.
"""
import io
import os
import tarfile

import numpy as np

from ..utils.cache_files import cache_path, missing_file_error
from ._npz_files import ArrayUnpickler


def _parse_batch(raw, label_key, source):
    d = ArrayUnpickler(io.BytesIO(raw), encoding="bytes").load()
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    if "data" not in d or label_key not in d:
        raise ValueError(f"{source} is not a CIFAR batch: it has the keys {sorted(d)}, "
                         f"expected 'data' and '{label_key}'.")
    data = np.asarray(d["data"], dtype="uint8")
    return data.reshape(data.shape[0], 3, 32, 32), np.asarray(d[label_key])


class CifarSource:
    """The cached copy of one CIFAR archive: an extracted folder or the tar.gz itself.

    ``folder`` is the archive's top directory (``cifar-10-batches-py`` or ``cifar-100-python``);
    ``read(member, label_key)`` returns ``(images (n, 3, 32, 32), labels (n,))`` of one batch.
    """

    def __init__(self, folder, keras3_name, origin, what):
        datasets = cache_path("")
        dirs = [os.path.join(datasets, keras3_name, folder), os.path.join(datasets, folder)]
        archives = [os.path.join(datasets, f"{keras3_name}_archive"),
                    os.path.join(datasets, f"{folder}.tar.gz"),
                    os.path.join(datasets, os.path.basename(origin))]
        self.folder, self.dir, self.archive = folder, None, None
        for d in dirs:
            if os.path.isdir(d):
                self.dir = d
                return
        for a in archives:
            if os.path.isfile(a):
                self.archive = a
                return
        raise missing_file_error(what, archives[0], origin,
                                 alternative=f" (or extract it so that {dirs[0]} exists)")

    def read(self, member, label_key):
        if self.dir is not None:
            path = os.path.join(self.dir, member)
            if not os.path.isfile(path):
                raise FileNotFoundError(f"{self.dir} lacks the CIFAR batch file '{member}'.")
            with open(path, "rb") as f:
                return _parse_batch(f.read(), label_key, path)
        with tarfile.open(self.archive, "r:*") as tar:
            name = f"{self.folder}/{member}"
            try:
                f = tar.extractfile(name)
            except KeyError:
                f = None
            if f is None:
                raise FileNotFoundError(f"{self.archive} lacks the CIFAR batch file '{name}'.")
            return _parse_batch(f.read(), label_key, f"{self.archive}:{name}")


def channels_last(x):
    """(n, 3, 32, 32) -> (n, 32, 32, 3): minikeras's images are channels-last."""
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1))
