"""The last families added to minikeras.ops: pseudo-inverse and distances, NaN quantiles,
correlation and framing, associative scans and Fourier transforms (gradients against finite
differences, values against numpy, symbolic shapes, errors)."""
import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor
from tests.ops.test_numpy import check_gradients

NAN_MASK = np.array([[1, 0, 1, 1], [1, 1, 1, 0], [0, 1, 1, 1]], bool)


def _with_nans(x):
    return ops.where(NAN_MASK, x, np.nan)


@pytest.mark.parametrize("name,fn,shapes", [
    ("pinv", ops.pinv, [(3, 4)]), ("pinv_tall", ops.pinv, [(4, 3)]),
    ("cholesky_inverse", lambda x: ops.cholesky_inverse(ops.tril(x) + ops.eye(3, dtype=x.dtype) * 3.0), [(3, 3)]),
    ("cholesky_inverse_upper", lambda x: ops.cholesky_inverse(ops.triu(x) + ops.eye(3, dtype=x.dtype) * 3.0,
                                                              upper=True), [(3, 3)]),
    ("cdist", lambda a, b: ops.cdist(a, b), [(3, 4), (2, 4)]),
    ("nanmedian", lambda x: ops.nanmedian(_with_nans(x), axis=1), [(3, 4)]),
    ("nanquantile", lambda x: ops.nanquantile(_with_nans(x), [0.3, 0.8], axis=0), [(3, 4)]),
    ("nanpercentile", lambda x: ops.nanpercentile(_with_nans(x), 40, keepdims=True), [(3, 4)]),
    ("correlate", lambda a, b: ops.correlate(a, b, "same"), [(6,), (3,)]),
    ("correlate_full", lambda a, b: ops.correlate(a, b, "full"), [(5,), (5,)]),
    ("extract_sequences", lambda x: ops.extract_sequences(x, 3, 1), [(2, 5)]),
    ("associative_scan", lambda x: ops.associative_scan(ops.multiply, x, axis=1), [(3, 4)]),
    ("associative_scan_reverse", lambda x: ops.associative_scan(ops.maximum, x, reverse=True), [(3, 4)]),
    ("fft", lambda r, i: ops.fft((r, i))[0] + ops.fft((r, i))[1] * 0.3, [(2, 5), (2, 5)]),
    ("fft2", lambda r, i: ops.fft2((r, i))[1], [(3, 4), (3, 4)]),
    ("ifft2", lambda r, i: ops.ifft2((r, i))[0], [(3, 4), (3, 4)]),
    ("rfft", lambda x: ops.rfft(x)[0] + ops.rfft(x)[1], [(2, 6)]),
    ("rfft_length", lambda x: ops.rfft(x, fft_length=8)[1], [(2, 5)]),
    ("irfft", lambda r, i: ops.irfft((r, i)), [(2, 4), (2, 4)]),
    ("irfft_odd", lambda r, i: ops.irfft((r, i), fft_length=7), [(2, 4), (2, 4)]),
])
def test_gradients(name, fn, shapes, float64):
    check_gradients(fn, *shapes)


def test_values_match_numpy():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(4, 3)).astype("float32")
    np.testing.assert_allclose(ops.pinv(a).numpy(), np.linalg.pinv(a), rtol=1e-4, atol=1e-5)
    data = np.where(NAN_MASK, rng.normal(size=(3, 4)), np.nan).astype("float32")
    for method in ("linear", "lower", "higher", "nearest", "midpoint"):
        np.testing.assert_allclose(ops.nanquantile(data, [0.2, 0.6], axis=1, method=method).numpy(),
                                   np.nanquantile(data, [0.2, 0.6], axis=1, method=method), rtol=1e-5)
    np.testing.assert_allclose(ops.nanmedian(data).numpy(), np.nanmedian(data), rtol=1e-6)
    signal = rng.normal(size=(2, 7)).astype("float32")
    real, imag = ops.rfft(signal)
    np.testing.assert_allclose(real.numpy() + 1j * imag.numpy(), np.fft.rfft(signal), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ops.irfft((real, imag), fft_length=7).numpy(), signal, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(ops.nextafter(np.float32(1), np.float32(2)).numpy(), np.nextafter(np.float32(1), 2))
    assert ops.view(np.ones(2, "float32"), "int32").numpy().tolist() == [1065353216] * 2


def test_symbolic():
    assert ops.pinv(KerasTensor((None, 3, 4))).shape == (None, 4, 3)
    assert ops.cdist(KerasTensor((None, 5, 2)), np.ones((3, 2), "float32")).shape == (None, 5, 3)
    assert [t.shape for t in ops.rfft(KerasTensor((None, 8)))] == [(None, 5), (None, 5)]
    assert ops.irfft((KerasTensor((None, 5)), KerasTensor((None, 5)))).shape == (None, 8)
    assert ops.extract_sequences(KerasTensor((None, 9)), 4, 2).shape == (None, 3, 4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="pair"):
        ops.fft(np.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        ops.fft2((np.ones((2, 2)), np.ones((2, 3))))
    with pytest.raises(ValueError, match="len\\(x1\\) >= len\\(x2\\)"):
        ops.correlate(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        ops.correlate(np.ones(3), np.ones(2), mode="circular")
    with pytest.raises(ValueError, match="sequence_length"):
        ops.extract_sequences(np.ones((2, 3)), 4, 1)
    with pytest.raises(ValueError, match="one axis"):
        ops.nanquantile(np.ones((2, 2)), 0.5, axis=(0, 1))


@pytest.mark.parametrize("name,fn,shape", [
    ("adaptive_average_pool", lambda x: ops.adaptive_average_pool(x, (2, 3)), (1, 5, 7, 2)),
    ("adaptive_max_pool", lambda x: ops.adaptive_max_pool(x, 3), (2, 5, 2)),
    ("vectorize", lambda x: ops.vectorize(lambda a: ops.sin(a) * a)(x), (2, 3)),
    ("vectorize_signature", lambda x: ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")(x, x[0]),
     (3, 4)),
])
def test_pooling_and_vectorize_gradients(name, fn, shape, float64):
    check_gradients(fn, shape)


def test_adaptive_pool_windows_and_errors():
    x = np.arange(5.0, dtype="float32").reshape(1, 5, 1)
    # windows [0, 2), [1, 4), [3, 5) for 5 -> 3
    assert ops.adaptive_average_pool(x, 3).numpy().ravel().tolist() == [0.5, 2.0, 3.5]
    assert ops.adaptive_max_pool(x, 3).numpy().ravel().tolist() == [1, 3, 4]
    with pytest.raises(ValueError, match="output_size"):
        ops.adaptive_max_pool(np.ones((1, 4, 4, 1)), (2, 2, 2))
    with pytest.raises(ValueError, match="channels_last"):
        ops.adaptive_average_pool(np.ones((1, 4, 1)), 2, data_format="channels_first")


def test_vectorize_excluded_and_errors():
    scale = ops.vectorize(lambda a, factor: a * factor, excluded={1})
    assert scale(np.arange(3.0), 2.0).numpy().tolist() == [0, 2, 4]
    with pytest.raises(ValueError, match="names 2 inputs"):
        ops.vectorize(lambda a: a, signature="(n),(n)->()")(np.ones((2, 3)))


def test_complex_pairs(float64):
    check_gradients(lambda r, t: ops.view_as_real(ops.polar(r, t)), (2, 3), (2, 3))
    check_gradients(lambda x: ops.view_as_real(ops.view_as_complex(x)) * 3.0, (3, 2))


def test_complex_pair_values_and_errors():
    z = ops.view_as_complex(np.array([[1.0, 2.0], [3.0, -1.0]], "float32"))
    assert z.dtype == "complex64" and z.numpy().tolist() == [1 + 2j, 3 - 1j]
    np.testing.assert_allclose(ops.polar(np.array([2.0]), np.array([np.pi / 2])).numpy(), [2j], atol=1e-12)
    with pytest.raises(ValueError, match="size 2"):
        ops.view_as_complex(np.ones((2, 3), "float32"))
    with pytest.raises(TypeError, match="complex"):
        ops.view_as_real(np.ones(2, "float32"))


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
