"""Signal-processing helpers of ``keras.ops``: window functions and histograms.

Windows taper a signal's ends before a Fourier transform; they are constants (floatx).
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from . import core
from .core import apply_multi
from .math import extract_sequences
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


# ----------------------------------------------------------------------------- Fourier transforms
#
# Keras passes complex numbers as a (real, imaginary) pair of float tensors. Every transform is
# linear, so its gradient is its adjoint: for the DFT F (symmetric), F^H = conj(F) = n * ifft.

def _pair(x, op):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"ops.{op}: expects a (real, imaginary) pair of tensors, received {type(x).__name__}.")
    real, imag = x
    shapes = [tuple(t.shape) if hasattr(t, "shape") else np.shape(t) for t in (real, imag)]
    if shapes[0] != shapes[1]:
        raise ValueError(f"ops.{op}: the real and imaginary parts must have the same shape; received "
                         f"{shapes[0]} and {shapes[1]}.")
    return real, imag


def _complex_transform(op, transform, adjoint, axes):
    def run(x):
        real, imag = _pair(x, op)

        def forward(r, i):
            dtype = r.dtype if r.dtype.kind == "f" else np.dtype(backend.floatx())
            y = transform(r + 1j * i, axes)

            def backward(grads):
                h = adjoint(grads[0] + 1j * grads[1], axes)
                return h.real.astype(dtype), h.imag.astype(dtype)
            return [y.real.astype(dtype), y.imag.astype(dtype)], backward
        if any(isinstance(t, KerasTensor) for t in (real, imag)):
            template = real if isinstance(real, KerasTensor) else imag
            return KerasTensor(template.shape, template.dtype), KerasTensor(template.shape, template.dtype)
        return tuple(apply_multi(forward, real, imag))
    run.__name__ = run.__qualname__ = op
    return run


def _size(z, axes):
    return int(np.prod([z.shape[a] for a in axes]))


fft = _complex_transform("fft", lambda z, axes: np.fft.fft(z, axis=-1),
                         lambda g, axes: np.fft.ifft(g, axis=-1) * g.shape[-1], (-1,))
fft.__doc__ = "Discrete Fourier transform of the last axis of the complex (real, imag) pair."
fft2 = _complex_transform("fft2", lambda z, axes: np.fft.fft2(z, axes=axes),
                          lambda g, axes: np.fft.ifft2(g, axes=axes) * _size(g, axes), (-2, -1))
fft2.__doc__ = "Two-dimensional DFT of the last two axes of the complex (real, imag) pair."
ifft2 = _complex_transform("ifft2", lambda z, axes: np.fft.ifft2(z, axes=axes),
                           lambda g, axes: np.fft.fft2(g, axes=axes) / _size(g, axes), (-2, -1))
ifft2.__doc__ = "Inverse two-dimensional DFT of the last two axes of the complex (real, imag) pair."


def rfft(x, fft_length=None):
    """DFT of a real signal's last axis: the n//2 + 1 non-negative frequencies as (real, imag).
    ``fft_length`` crops or zero-pads the signal first."""
    if isinstance(x, KerasTensor):
        n = x.shape[-1] if fft_length is None else int(fft_length)
        shape = tuple(x.shape[:-1]) + ((None if n is None else n // 2 + 1),)
        return KerasTensor(shape, x.dtype), KerasTensor(shape, x.dtype)

    def forward(signal):
        dtype = signal.dtype if signal.dtype.kind == "f" else np.dtype(backend.floatx())
        n = signal.shape[-1] if fft_length is None else int(fft_length)
        y = np.fft.rfft(signal, n=n, axis=-1)

        def backward(grads):
            g = np.zeros(signal.shape[:-1] + (n,), dtype=complex)
            g[..., :y.shape[-1]] = grads[0] + 1j * grads[1]
            full = (np.fft.ifft(g, axis=-1) * n).real
            out = np.zeros(signal.shape, dtype=dtype)
            keep = min(n, signal.shape[-1])
            out[..., :keep] = full[..., :keep]
            return (out,)
        return [y.real.astype(dtype), y.imag.astype(dtype)], backward
    return tuple(apply_multi(forward, x))


def irfft(x, fft_length=None):
    """The real signal (length ``fft_length``, default 2 (m - 1)) whose rfft is the pair x."""
    real, imag = _pair(x, "irfft")
    if any(isinstance(t, KerasTensor) for t in (real, imag)):
        template = real if isinstance(real, KerasTensor) else imag
        m = template.shape[-1]
        n = int(fft_length) if fft_length is not None else (None if m is None else 2 * (m - 1))
        return KerasTensor(tuple(template.shape[:-1]) + (n,), template.dtype)

    def forward(r, i):
        dtype = r.dtype if r.dtype.kind == "f" else np.dtype(backend.floatx())
        m = r.shape[-1]
        n = 2 * (m - 1) if fft_length is None else int(fft_length)
        y = np.fft.irfft(r + 1j * i, n=n, axis=-1)

        def backward(grads):
            # d y_t / d y_k: the coefficient of frequency k appears twice (k and n - k) except at
            # 0 and, for even n, at n/2; a frequency beyond n // 2 is cropped away
            h = np.fft.rfft(grads[0], n=n, axis=-1) / n
            weights = np.full(h.shape[-1], 2.0)
            weights[0] = 1.0
            if n % 2 == 0:
                weights[-1] = 1.0
            h = h * weights
            gr, gi = np.zeros(r.shape, dtype), np.zeros(r.shape, dtype)
            keep = min(m, h.shape[-1])
            gr[..., :keep], gi[..., :keep] = h.real[..., :keep], h.imag[..., :keep]
            gi[..., 0] = 0.0
            if n % 2 == 0 and keep > n // 2:
                gi[..., n // 2] = 0.0
            return gr, gi
        return [y.astype(dtype)], backward
    return apply_multi(forward, real, imag)[0]


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of the last axis, as (real, imag) of shape
    (..., frames, fft_length // 2 + 1). Four differentiable steps:
    1. with ``center``, reflect-pad fft_length // 2 values at both ends;
    2. cut frames of fft_length values every ``sequence_stride``;
    3. multiply by the window ('hann' or 'hamming', periodic, or a tensor of sequence_length
       values), zero-padded to fft_length in the middle of the frame;
    4. rfft each frame."""
    if isinstance(x, (tuple, list)) or (hasattr(x, "dtype") and x.dtype not in ("float32", "float64")):
        raise TypeError(f"ops.stft: expects a float32 or float64 tensor, received {getattr(x, 'dtype', x)!r}.")
    sequence_length, fft_length = int(sequence_length), int(fft_length)
    if fft_length < sequence_length:
        raise ValueError(f"ops.stft: `fft_length` must be at least `sequence_length`; received "
                         f"sequence_length={sequence_length}, fft_length={fft_length}.")
    x = x if hasattr(x, "shape") else core.convert_to_tensor(x)
    if center:
        widths = [(0, 0)] * (len(x.shape) - 1) + [(fft_length // 2, fft_length // 2)]
        x = core.pad(x, widths, mode="reflect")
    left = (fft_length - sequence_length) // 2
    window_values = _window_values(window, sequence_length, x.dtype)
    window_values = np.pad(window_values, (left, fft_length - sequence_length - left))
    frames = extract_sequences(x, fft_length, sequence_stride)
    return rfft(core.multiply(frames, window_values), fft_length)


def _window_values(window, length, dtype):
    if window is None:
        return np.ones(length, dtype=dtype)
    if isinstance(window, str):
        periodic = {"hann": np.hanning, "hamming": np.hamming}.get(window)
        if periodic is None:
            raise ValueError(f"ops.stft: a window given by name must be 'hann' or 'hamming', received {window!r}.")
        return periodic(length + 1)[:-1].astype(dtype)   # periodic: the symmetric window one longer, cut
    values = np.asarray(window.value if isinstance(window, Tensor) else window, dtype=dtype)
    if values.shape != (length,):
        raise ValueError(f"ops.stft: the window must have shape ({length},), received {values.shape}.")
    return values
