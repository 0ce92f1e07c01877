"""engine/input_checks.py: data is matched to a model's inputs by name or position, and its
shape checked against the Input, with the same words wherever data enters."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.input_checks import check_input_shape, input_keys, match_inputs


def _two_inputs(as_dict=False):
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    out = layers.concatenate([a, b])
    return keras.Model({"first": a, "second": b} if as_dict else [a, b], out, name="two")


def test_inputs_are_matched_by_name_or_position():
    model = _two_inputs()
    xa, xb = np.zeros((4, 3)), np.ones((4, 2))
    assert input_keys(model) == ["a", "b"]
    for data in ({"b": xb, "a": xa}, [xa, xb], (xa, xb)):
        matched = match_inputs(model, data)
        assert matched[0] is xa and matched[1] is xb


def test_a_model_built_from_a_dict_uses_its_keys():
    model = _two_inputs(as_dict=True)
    assert input_keys(model) == ["first", "second"]
    xa, xb = np.zeros((4, 3)), np.ones((4, 2))
    assert match_inputs(model, {"second": xb, "first": xa})[1] is xb


def test_missing_unknown_and_surplus_inputs_are_named():
    model = _two_inputs()
    with pytest.raises(ValueError, match=r"Model two: no data for input\(s\) \['b'\]. The dict keys given are "
                                         r"\['a'\]; expected \['a', 'b'\]"):
        match_inputs(model, {"a": 0})
    with pytest.raises(ValueError, match=r"unknown input name\(s\) \['c'\] in the data dict; the model's "
                                         r"inputs are \['a', 'b'\]"):
        match_inputs(model, {"a": 0, "b": 0, "c": 0})
    with pytest.raises(ValueError, match=r"Model two expects 2 input\(s\) \(\['a', 'b'\]\), but it received "
                                         r"3 array\(s\)"):
        match_inputs(model, [0, 0, 0])


def test_for_one_input_only_a_list_holding_one_array_is_unwrapped():
    x = keras.Input((2,), name="x")
    model = keras.Model(x, layers.Dense(1)(x))
    rows = [[0.0, 1.0], [1.0, 0.0]]
    assert match_inputs(model, rows) == [rows]            # nested Python lists are data
    array = np.zeros((2, 2))
    assert match_inputs(model, [array])[0] is array
    assert match_inputs(model, array)[0] is array


def test_shapes_must_match_where_the_input_fixes_them():
    check_input_shape((7, 4), (None, 4), "Input 'x'")     # any batch size
    check_input_shape((7, 5, 4), (None, None, 4), "Input 'x'")
    cases = [((8, 5), "expects arrays of shape \\(None, 4\\) \\(batch first\\), but received an array of "
                      "shape \\(8, 5\\)\\.$"),
             ((8, 4, 1), ".*\\(8, 4, 1\\) \\(it has an extra axis of size 1 at the end\\)"),
             ((8,), ".*\\(8,\\) \\(one axis fewer than expected")]
    for shape, message in cases:
        with pytest.raises(ValueError, match="^Input 'x' " + message):
            check_input_shape(shape, (None, 4), "Input 'x'")
