"""minikeras.utils.pad_sequences: Keras's padding and truncation rules, step shapes, dtypes,
and clear errors. (tests/parity/test_sequence_utils_parity.py compares with real Keras.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras.utils import pad_sequences

SEQS = [[1, 2, 3], [4], [5, 6, 7, 8, 9], []]


def test_defaults_pad_and_truncate_before():
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32 and out.shape == (4, 5)
    np.testing.assert_array_equal(out, [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4], [5, 6, 7, 8, 9], [0] * 5])


@pytest.mark.parametrize("padding,truncating,expected", [
    ("pre", "pre", [[1, 2, 3], [0, 0, 4], [7, 8, 9], [0, 0, 0]]),
    ("post", "pre", [[1, 2, 3], [4, 0, 0], [7, 8, 9], [0, 0, 0]]),
    ("pre", "post", [[1, 2, 3], [0, 0, 4], [5, 6, 7], [0, 0, 0]]),
    ("post", "post", [[1, 2, 3], [4, 0, 0], [5, 6, 7], [0, 0, 0]]),
])
def test_padding_and_truncating_sides(padding, truncating, expected):
    out = pad_sequences(SEQS, maxlen=3, padding=padding, truncating=truncating)
    np.testing.assert_array_equal(out, expected)


def test_value_dtype_and_zero_maxlen():
    out = pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=-1.0, padding="post")
    np.testing.assert_array_equal(out, np.array([[0.5, 1.5], [2.5, -1.0]], dtype="float32"))
    assert pad_sequences(SEQS, maxlen=0).shape == (4, 0)
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[], []]).shape == (2, 0)


def test_steps_may_be_vectors():
    seqs = [np.ones((2, 3)), np.full((4, 3), 2.0)]
    out = pad_sequences(seqs, maxlen=3, dtype="float32")
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[0], [[0] * 3, [1] * 3, [1] * 3])
    np.testing.assert_array_equal(out[1], np.full((3, 3), 2.0))
    with pytest.raises(ValueError, match=r"shape of sample \(2,\) of sequence at position 1 is different "
                                         r"from expected shape \(3,\)"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 2))], dtype="float32")


def test_strings_need_an_object_or_string_dtype():
    out = pad_sequences([["a", "bb"], ["ccc"]], dtype=object, value="<pad>")
    assert out.tolist() == [["a", "bb"], ["<pad>", "ccc"]]
    with pytest.raises(ValueError, match="not compatible with `value`'s type: str"):
        pad_sequences([["a"]], value="<pad>")


def test_errors_are_clear():
    with pytest.raises(ValueError, match='padding type "middle" not understood'):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match='truncating type "end" not understood'):
        pad_sequences(SEQS, truncating="end")
    with pytest.raises(ValueError, match="Found non-iterable 3 at position 1"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="`sequences` must be a list of sequences"):
        pad_sequences(5)
    with pytest.raises(ValueError, match="`maxlen` must be a non-negative integer"):
        pad_sequences(SEQS, maxlen=-2)
    # Keras would silently turn 0.5 into 0; minikeras says what would be lost
    with pytest.raises(ValueError, match=r"sequence 0 holds 0.5, which dtype='int32' cannot represent"):
        pad_sequences([[0.5, 1.0]])
    with pytest.raises(ValueError, match="`value` holds"):
        pad_sequences([[1, 2]], value=0.5)
    # whole floats are fine in an integer array
    np.testing.assert_array_equal(pad_sequences([[1.0, 2.0]]), [[1, 2]])


def test_keras_import_paths():
    assert keras.utils.pad_sequences is pad_sequences
    assert keras.preprocessing.sequence.pad_sequences is pad_sequences
    from minikeras.preprocessing.sequence import pad_sequences as from_path
    assert from_path is pad_sequences


def test_padded_sequences_feed_an_embedding_model():
    x = pad_sequences([[3, 1, 4], [1, 5], [9, 2, 6, 5, 3]], maxlen=4)
    inputs = keras.Input((4,), dtype="int32")
    h = keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
    model = keras.Model(inputs, keras.layers.LSTM(2)(h))
    assert model.predict(x, verbose=0).shape == (3, 2)
