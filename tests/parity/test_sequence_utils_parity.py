"""pad_sequences parity with real Keras 3: random ragged lists, every padding/truncating
combination, maxlen, dtype and value give the same array (values, shape and dtype).

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_sequence_utils_parity.py
"""
import itertools
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402


def _ragged(seed, step_shape=()):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    lengths = rng.integers(0, 15, n)
    lengths[0] = max(lengths[0], 1)   # Keras takes the step shape from a non-empty sequence
    if step_shape:
        return [rng.normal(size=(int(k),) + step_shape).astype("float32") for k in lengths]
    return [rng.integers(1, 100, int(k)).tolist() for k in lengths]


OPTIONS = list(itertools.product(["pre", "post"], ["pre", "post"], [None, 1, 4, 20]))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("padding,truncating,maxlen", OPTIONS)
def test_integer_sequences(seed, padding, truncating, maxlen):
    seqs = _ragged(seed)
    kwargs = dict(maxlen=maxlen, padding=padding, truncating=truncating)
    expected = keras.utils.pad_sequences(seqs, **kwargs)
    got = minikeras.utils.pad_sequences(seqs, **kwargs)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype,value", [("float32", -1.5), ("int64", 7), ("float64", 0.0)])
def test_dtype_and_value(seed, dtype, value):
    seqs = _ragged(100 + seed)
    kwargs = dict(maxlen=6, dtype=dtype, value=value, padding="post")
    expected = keras.utils.pad_sequences(seqs, **kwargs)
    got = minikeras.utils.pad_sequences(seqs, **kwargs)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("seed", range(4))
def test_vector_steps(seed):
    seqs = _ragged(200 + seed, step_shape=(3,))
    kwargs = dict(maxlen=5, dtype="float32", truncating="post")
    np.testing.assert_array_equal(minikeras.utils.pad_sequences(seqs, **kwargs),
                                  keras.utils.pad_sequences(seqs, **kwargs))


def test_string_sequences():
    seqs = [["the", "cat"], ["a"], ["one", "two", "three", "four"]]
    kwargs = dict(maxlen=3, dtype=object, value="")
    assert minikeras.utils.pad_sequences(seqs, **kwargs).tolist() == \
        keras.utils.pad_sequences(seqs, **kwargs).tolist()
