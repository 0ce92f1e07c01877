"""ch02.format_row: checked against minikeras.engine.summary.format_row."""
import pytest

from minikeras.engine.summary import format_row as minikeras_format_row

from summary_row import format_row

# minikeras's own format_row: a submission that uses them fails
FORBID_FORMAT_ROW = [
    "minikeras.engine.summary.format_row",
]

SEQUENTIAL = [29, 55, 65]
BRANCHING = [33, 55, 67, 100]


def check(fields, positions):
    got = format_row(list(fields), list(positions))
    expected = minikeras_format_row(list(fields), list(positions))
    assert isinstance(got, str)
    assert got == expected, f"\n got      {got!r}\n expected {expected!r}"


@pytest.mark.exercise("ch02.format_row", points=1, forbid=FORBID_FORMAT_ROW)
def test_rows_of_a_chain_model():
    check(["Layer (type)", "Output Shape", "Param #"], SEQUENTIAL)
    check(["img (InputLayer)", "(None, 784)", 0], SEQUENTIAL)
    check(["dense_1 (Dense)", "(None, 64)", 50240], SEQUENTIAL)
    check(["dense_3 (Dense)", "(None, 10)", 650], SEQUENTIAL)


@pytest.mark.exercise("ch02.format_row", points=1, forbid=FORBID_FORMAT_ROW)
def test_rows_of_a_branching_model():
    check(["Layer (type)", "Output Shape", "Param #", "Connected to"], BRANCHING)
    check(["conv2d_1 (Conv2D)", "(None, 61, 61, 32)", 544, "input_1[0][0]"], BRANCHING)
    check(["concatenate_1 (Concatenate)", "(None, 41344)", 0, "flatten_1[0][0]"], BRANCHING)
    check(["", "", "", "flatten_2[0][0]"], BRANCHING)


@pytest.mark.exercise("ch02.format_row", points=1, forbid=FORBID_FORMAT_ROW)
def test_long_fields_are_cut_and_kept_apart():
    check(["a_layer_with_a_very_long_name (MyVeryLongLayerClass)", "(None, 10)", 110], SEQUENTIAL)
    check(["max_pooling2d_1 (MaxPooling2D)", "(None, 1234, 5678, 91011)", 123456789012], SEQUENTIAL)
    check(["x" * 40, "y" * 40, "z" * 40, "w" * 40], BRANCHING)
    check(["exactly_28_characters_long__", "ok", 1], SEQUENTIAL)
    check(["exactly_29_characters_long___", "ok", 1], SEQUENTIAL)
