"""Reading Keras's dataset files safely: pickled numpy arrays without arbitrary code.

IMDB and Reuters store ragged word-index sequences as ``dtype=object`` arrays, which numpy can
only save as a pickle stream; CIFAR's batches are pickled dictionaries. ``np.load(...,
allow_pickle=True)`` would run whatever a tampered file asks for, so, as Keras does, these files
are unpickled by an unpickler that builds numpy arrays and nothing else.
"""
import io
import pickle
import zipfile

import numpy as np

# The only globals a pickled numpy array needs (numpy 1 and numpy 2 spell multiarray differently).
_ARRAY_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
})


class ArrayUnpickler(pickle.Unpickler):
    """Unpickles dictionaries, lists and numpy arrays; refuses every other global."""

    def find_class(self, module, name):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to build {module}.{name} while reading a dataset file: only numpy arrays "
            "are expected, so the file is damaged or not what it claims to be.")


def _read_npy(buffer):
    """One ``.npy`` member: numeric arrays without pickle at all, object arrays through
    ``ArrayUnpickler``."""
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:                      # an object array: its payload is a pickle stream
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        elif major in (2, 3):               # 3.0 differs from 2.0 only in the header's encoding
            np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"Unsupported .npy format version {major}.")
        return ArrayUnpickler(buffer).load()


def load_npz(path, required):
    """The arrays of an ``.npz`` file as a dict; a ``ValueError`` naming the file when one of
    ``required`` is absent."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[:-4]] = _read_npy(io.BytesIO(archive.read(member)))
    missing = sorted(set(required) - set(arrays))
    if missing:
        raise ValueError(f"{path} is not the expected dataset file: it lacks the arrays {missing} "
                         f"(it holds {sorted(arrays)}).")
    return arrays
