"""ch04.conv_output_length and ch04.conv_params: checked against minikeras
(minikeras.kernels.conv_geometry.conv_output_length and the Conv2D layer)."""
import pytest

from minikeras.kernels.conv_geometry import conv_output_length as minikeras_length
from minikeras.layers import Conv2D, Input

from conv_arithmetic import conv2d_params, conv_output_length

# minikeras's conv_output_length: a submission that uses them fails
FORBID_CONV_OUTPUT_LENGTH = [
    "minikeras.kernels.conv_geometry.conv_output_length",
    "minikeras.layers.convolutional.conv_output_length",
]


@pytest.mark.exercise("ch04.conv_output_length", points=1, forbid=FORBID_CONV_OUTPUT_LENGTH)
def test_valid_padding_without_strides():
    assert conv_output_length(64, 4) == 61
    assert conv_output_length(30, 4) == 27
    for n in range(1, 20):
        for k in range(1, 8):
            assert conv_output_length(n, k) == minikeras_length(n, k, 1, 1, "valid"), (n, k)


@pytest.mark.exercise("ch04.conv_output_length", points=1, forbid=FORBID_CONV_OUTPUT_LENGTH)
def test_strides_and_same_padding():
    for padding in ("valid", "same"):
        for n in range(1, 25):
            for k in (1, 2, 3, 5):
                for s in (1, 2, 3):
                    assert conv_output_length(n, k, s, padding) == minikeras_length(n, k, s, 1, padding), \
                        (n, k, s, padding)


@pytest.mark.exercise("ch04.conv_output_length", points=1, forbid=FORBID_CONV_OUTPUT_LENGTH)
def test_matches_conv2d_layers():
    x = Input(shape=(37, 20, 3))
    for kernel, strides, padding in [((4, 3), (1, 1), "valid"), ((5, 5), (2, 3), "valid"), ((3, 2), (2, 2), "same")]:
        y = Conv2D(2, kernel, strides=strides, padding=padding)(x)
        expected = y.shape[1:3]
        got = tuple(conv_output_length(n, k, s, padding) for n, k, s in zip((37, 20), kernel, strides))
        assert got == expected, (kernel, strides, padding)


@pytest.mark.exercise("ch04.conv_params", points=1)
def test_parameters_of_the_chapter_cnn():
    assert conv2d_params(4, 1, 32) == 544
    assert conv2d_params(4, 32, 16) == 8208
    assert conv2d_params(8, 1, 16) == 1040


@pytest.mark.exercise("ch04.conv_params", points=1)
def test_parameters_match_conv2d_layers():
    for kernel, channels, filters, use_bias in [(3, 3, 64, True), ((2, 5), 7, 4, True), ((1, 3), 2, 5, False)]:
        layer = Conv2D(filters, kernel, use_bias=use_bias)
        layer.build((None, 16, 16, channels))
        assert conv2d_params(kernel, channels, filters, use_bias) == layer.count_params()
