"""Signal-processing helpers of ``keras.ops``: window functions and histograms.

Windows taper a signal's ends before a Fourier transform; they are constants (floatx).
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from .tensor import Tensor


def _length(x, name):
    n = np.asarray(x.value if isinstance(x, Tensor) else x)
    if n.ndim != 0 or n.dtype.kind not in "iu" or int(n) < 0:
        raise ValueError(f"ops.{name}: expects the window length as a non-negative integer, received {x!r}.")
    return int(n)


def _window(name, fn):
    def op(x):
        return Tensor(fn(_length(x, name)).astype(backend.floatx()))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The {name.capitalize()} window of length x."
    return op


bartlett = _window("bartlett", np.bartlett)
blackman = _window("blackman", np.blackman)
hamming = _window("hamming", np.hamming)
hanning = _window("hanning", np.hanning)


def kaiser(x, beta):
    """The Kaiser window of length x with shape parameter ``beta``."""
    return Tensor(np.kaiser(_length(x, "kaiser"), float(beta)).astype(backend.floatx()))


def histogram(x, bins=10, range=None):
    """(counts, bin edges) of the values of ``x`` in ``bins`` equal bins over ``range``
    (default: from the smallest to the largest value)."""
    if isinstance(x, KerasTensor):
        raise ValueError("ops.histogram: needs data; call it eagerly, not while a model is defined.")
    if not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"ops.histogram: `bins` must be a positive integer, received bins={bins!r}.")
    values = np.asarray(x.value if isinstance(x, Tensor) else x)
    if values.ndim != 1:
        raise ValueError(f"ops.histogram: expects a 1-D input, received shape {values.shape}.")
    counts, edges = np.histogram(values, bins=int(bins), range=range)
    dtype = values.dtype if values.dtype.kind == "f" else backend.floatx()
    return Tensor(counts.astype(dtype)), Tensor(edges.astype(dtype))
