"""minikeras.ops.signal: window functions, histograms, Fourier transforms (their gradients are the
adjoint transforms, checked against finite differences) and the short-time Fourier transform."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_windows(name):
    out = getattr(ops, name)(6)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), getattr(np, name)(6), atol=1e-7)


def test_kaiser_histogram_and_errors():
    np.testing.assert_allclose(ops.kaiser(5, 3.0).numpy(), np.kaiser(5, 3.0), rtol=1e-6)
    counts, edges = ops.histogram(np.array([1.0, 2.0, 2.0, 3.0], "float32"), bins=2)
    assert counts.numpy().tolist() == [1, 3] and edges.numpy().tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="window length"):
        ops.hamming(2.5)
    with pytest.raises(ValueError, match="bins"):
        ops.histogram(np.ones(3), bins=0)
    with pytest.raises(ValueError, match="1-D"):
        ops.histogram(np.ones((2, 2)))


@pytest.mark.parametrize("name,fn,shapes", [
    ("fft", lambda r, i: ops.fft((r, i))[0] + ops.fft((r, i))[1] * 0.3, [(2, 5), (2, 5)]),
    ("fft2", lambda r, i: ops.fft2((r, i))[1], [(3, 4), (3, 4)]),
    ("ifft2", lambda r, i: ops.ifft2((r, i))[0], [(3, 4), (3, 4)]),
    ("rfft", lambda x: ops.rfft(x)[0] + ops.rfft(x)[1], [(2, 6)]),
    ("rfft_length", lambda x: ops.rfft(x, fft_length=8)[1], [(2, 5)]),
    ("irfft", lambda r, i: ops.irfft((r, i)), [(2, 4), (2, 4)]),
    ("irfft_odd", lambda r, i: ops.irfft((r, i), fft_length=7), [(2, 4), (2, 4)]),
])
def test_fourier_gradients(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_fourier_values_shapes_and_errors():
    signal = np.random.default_rng(3).normal(size=(2, 7)).astype("float32")
    real, imag = ops.rfft(signal)
    np.testing.assert_allclose(real.numpy() + 1j * imag.numpy(), np.fft.rfft(signal), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ops.irfft((real, imag), fft_length=7).numpy(), signal, rtol=1e-5, atol=1e-5)
    assert [t.shape for t in ops.rfft(KerasTensor((None, 8)))] == [(None, 5), (None, 5)]
    assert ops.irfft((KerasTensor((None, 5)), KerasTensor((None, 5)))).shape == (None, 8)
    with pytest.raises(ValueError, match="pair"):
        ops.fft(np.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        ops.fft2((np.ones((2, 2)), np.ones((2, 3))))


@pytest.mark.parametrize("kwargs", [dict(window="hann"), dict(window="hamming", center=False),
                                    dict(window=None, fft_length=8)])
def test_stft_gradients_and_shapes(kwargs, float64):
    settings = dict(sequence_length=6, sequence_stride=3, fft_length=6)
    settings.update(kwargs)
    check_gradients(lambda x: ops.stft(x, **settings)[0] + ops.stft(x, **settings)[1], (2, 16))
    real, imag = ops.stft(np.ones((2, 16)), **settings)
    assert real.shape == imag.shape and real.shape[-1] == settings["fft_length"] // 2 + 1


def test_stft_errors():
    with pytest.raises(ValueError, match="fft_length"):
        ops.stft(np.ones(16, "float32"), 8, 2, 4)
    with pytest.raises(ValueError, match="'hann' or 'hamming'"):
        ops.stft(np.ones(16, "float32"), 4, 2, 4, window="blackman")
    with pytest.raises(TypeError, match="float32 or float64"):
        ops.stft(ops.convert_to_tensor(np.ones(16, "int32")), 4, 2, 4)
