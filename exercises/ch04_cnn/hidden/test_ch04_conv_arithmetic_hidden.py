import pytest

from minikeras.kernels.conv_geometry import conv_output_length as minikeras_length

from conv_arithmetic import conv2d_params, conv_output_length

# minikeras's conv_output_length: a submission that uses them fails
FORBID_CONV_OUTPUT_LENGTH = [
    "minikeras.kernels.conv_geometry.conv_output_length",
    "minikeras.layers.convolutional.conv_output_length",
]


@pytest.mark.exercise("ch04.conv_output_length", points=1, forbid=FORBID_CONV_OUTPUT_LENGTH)
def test_dilation_and_windows_that_do_not_fit():
    for padding in ("valid", "same"):
        for n in range(1, 30):
            for k in (1, 2, 3, 4):
                for s in (1, 2, 4):
                    for d in (1, 2, 3):
                        assert conv_output_length(n, k, s, padding, d) == minikeras_length(n, k, s, d, padding), \
                            (n, k, s, padding, d)
    assert conv_output_length(3, 5) == 0


@pytest.mark.exercise("ch04.conv_params", points=1)
def test_more_parameter_counts():
    assert conv2d_params((3, 3), 128, 256) == 295168
    assert conv2d_params(1, 10, 10, use_bias=False) == 100
