"""conv_geometry: output lengths and padding, written once for the layers, ops and both backends."""
import pytest

from minikeras.kernels.conv_geometry import (conv_output_length, conv_padding, conv_transpose_output_length,
                                             pool_geometry, transpose_output_padding)


def test_conv_padding_follows_tensorflow():
    assert conv_padding(28, 3, 1, 1, "valid") == (0, 0)
    assert conv_padding(28, 3, 1, 1, "same") == (1, 1)
    assert conv_padding(5, 3, 2, 1, "same") == (1, 1)
    assert conv_padding(6, 3, 2, 1, "same") == (0, 1)   # odd total: the extra cell goes at the end
    assert conv_padding(6, 4, 1, 1, "same") == (1, 2)
    assert conv_padding(7, 3, 1, 2, "same") == (2, 2)   # dilation 2: effective kernel 5
    assert conv_padding(10, 3, 1, 2, "causal") == (4, 0)
    with pytest.raises(ValueError):
        conv_padding(5, 3, 1, 1, "full")


def test_conv_output_length():
    assert conv_output_length(28, 3, 1, 1, "valid") == 26
    assert conv_output_length(64, 4, 1, 1, "valid") == 61
    assert conv_output_length(7, 3, 2, 1, "valid") == 3
    assert conv_output_length(7, 3, 2, 1, "same") == 4
    assert conv_output_length(7, 3, 1, 3, "valid") == 1
    assert conv_output_length(7, 3, 2, 1, (1, 2)) == 4
    assert conv_output_length(2, 3, 1, 1, "valid") == 0


def test_conv_transpose_output_length_matches_keras():
    # valid: n*s + max(k - s, 0); same: n*s; output_padding: (n-1)*s + k - 2*pad + op
    assert conv_transpose_output_length(4, 3, 2, 1, "valid") == 9
    assert conv_transpose_output_length(4, 1, 3, 1, "valid") == 12
    assert conv_transpose_output_length(4, 3, 2, 1, "same") == 8
    assert conv_transpose_output_length(4, 3, 2, 1, "same", 1) == 8
    assert conv_transpose_output_length(4, 3, 2, 1, "same", 0) == 7
    assert conv_transpose_output_length(4, 3, 2, 1, "valid", 1) == 10
    assert conv_transpose_output_length(4, 3, 1, 2, "valid") == 8   # dilated kernel spans 5


def test_unknown_sizes_stay_unknown():
    assert conv_output_length(None, 3, 1, 1, "same") is None
    assert conv_transpose_output_length(None, 3, 2, 1, "valid") is None


def test_causal_and_same_keep_the_length_over_the_stride():
    for n in range(1, 12):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3):
                assert conv_output_length(n, k, s, 2, "causal") == -(-n // s)
                assert conv_output_length(n, k, s, 1, "same") == -(-n // s)


def test_transpose_output_padding_reaches_the_requested_size():
    assert transpose_output_padding(4, 3, 2, 1, "valid", 9) is None  # the natural size
    for mode in ("valid", "same"):
        for out in (8, 9, 10):
            op = transpose_output_padding(4, 3, 2, 1, mode, out)
            assert op is None or conv_transpose_output_length(4, 3, 2, 1, mode, op) == out


def test_pool_geometry():
    assert pool_geometry((1, 5, 5, 1), 2, None, "valid") == ((2, 2), (2, 2), ((0, 0), (0, 0)), (2, 2))
    assert pool_geometry((1, 5, 5, 1), 2, 1, "same") == ((2, 2), (1, 1), ((0, 1), (0, 1)), (5, 5))
    with pytest.raises(ValueError, match="smaller than the pool"):
        pool_geometry((1, 2, 2, 1), 3, None, "valid")
    with pytest.raises(ValueError, match="pooling padding"):
        pool_geometry((1, 2, 2, 1), 2, None, "causal")
