"""minikeras.tree: the one walker over nested lists, tuples and dicts."""
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from minikeras import tree

leaves = st.one_of(st.integers(), st.none(), st.text(max_size=3))
structures = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=2), inner, max_size=3)), max_leaves=12)


@settings(deadline=None, derandomize=True, max_examples=200)
@given(structures)
def test_pack_sequence_as_inverts_flatten(structure):
    flat = tree.flatten(structure)
    assert tree.pack_sequence_as(structure, flat) == structure
    assert tree.map_structure(lambda x: x, structure) == structure


def test_flatten_order_and_leaves():
    array = np.zeros(3)
    assert tree.flatten([1, (2, {"a": 3, "b": [4]}), None]) == [1, 2, 3, 4, None]
    assert tree.flatten(array)[0] is array
    assert tree.flatten({}) == [] and tree.flatten([]) == []


def test_namedtuple_keeps_its_type():
    Pair = namedtuple("Pair", "x y")
    packed = tree.pack_sequence_as(Pair(1, [2]), [10, 20])
    assert packed == Pair(10, [20]) and isinstance(packed, Pair)
    assert tree.map_structure(lambda a, b: a + b, Pair(1, 2), Pair(3, 4)) == Pair(4, 6)


def test_map_shape_structure_treats_shapes_as_leaves():
    shapes = [(None, 3), {"a": (2, np.int64(4))}, ()]
    assert tree.map_shape_structure(len, shapes) == [2, {"a": 2}, 0]
    assert tree.map_structure(lambda d: d, [(None, 3)]) == [(None, 3)]


def test_mismatches_are_errors():
    with pytest.raises(ValueError, match="2 leaves, but 3 values"):
        tree.pack_sequence_as([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="fewer values"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match="lengths"):
        tree.map_structure(lambda a, b: a, [1, 2], [1])
    with pytest.raises(ValueError, match="keys"):
        tree.map_structure(lambda a, b: a, {"a": 1}, {"b": 1})


def test_is_leaf_makes_a_container_one_leaf():
    record = {"class_name": "__keras_tensor__", "config": {"shape": [None, 3]}}
    structure = [record, {"a": [None, 4]}, (1, 2)]

    def is_leaf(x):
        return x is record or (isinstance(x, list) and all(d is None or isinstance(d, int) for d in x))
    out = tree.map_structure(lambda x: "leaf" if isinstance(x, (dict, list)) else x, structure, is_leaf=is_leaf)
    assert out == ["leaf", {"a": "leaf"}, (1, 2)]
    assert tree.map_structure(len, [[1, 2], [3]], is_leaf=lambda x: isinstance(x, list) and x != [[1, 2], [3]]) \
        == [2, 1]


def test_traverse_top_down_replaces_or_goes_inside():
    Point = namedtuple("Point", "x y")
    structure = {"a": [1, (2, 3)], "b": Point(4, {"skip": [5]})}
    seen = []

    def fn(s):
        seen.append(s)
        if isinstance(s, dict) and "skip" in s:
            return "replaced"          # not visited inside
        return s * 10 if isinstance(s, int) else None
    out = tree.traverse(fn, structure)
    assert out == {"a": [10, (20, 30)], "b": Point(40, "replaced")}
    assert type(out["b"]) is Point
    assert [5] not in seen and seen[0] is structure


def test_traverse_bottom_up_sees_containers_rebuilt_from_their_items():
    seen = []

    def fn(s):
        seen.append(s)
        if isinstance(s, tuple):
            return list(s)             # a container rewritten: what map_structure cannot do
        if isinstance(s, dict):
            return {k: v for k, v in s.items() if k != "drop"}
        return None                    # keep
    out = tree.traverse(fn, {"t": (1, (2,)), "drop": 3, "k": [None]}, top_down=False)
    assert out == {"t": [1, [2]], "k": [None]}
    assert seen[:4] == [1, 2, (2,), (1, [2])]  # items first, then their container rebuilt from them
    assert tree.traverse(lambda s: None, 7, top_down=False) == 7


@settings(deadline=None, derandomize=True, max_examples=100)
@given(structures)
def test_traverse_that_changes_nothing_is_the_identity(structure):
    assert tree.traverse(lambda s: None, structure) == structure
    assert tree.traverse(lambda s: None, structure, top_down=False) == structure


# ---------------------------------------------------------------------------- dict key order
# Keras 3 (optree) walks a plain dict by sorted key; everything "by position" follows from it.

def test_flatten_walks_dicts_by_sorted_key_at_every_depth():
    assert tree.flatten({"b": 1, "a": 2}) == [2, 1]
    assert tree.flatten({"b": 1, "a": 2, "c": {"z": 3, "y": 4}}) == [2, 1, 4, 3]
    assert tree.flatten([{"b": 1, "a": 2}, ({"d": 3, "c": 4},)]) == [2, 1, 4, 3]


def test_an_ordered_dict_or_uncomparable_keys_keep_insertion_order():
    from collections import OrderedDict
    assert tree.flatten(OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten({1: "one", "a": "letter"}) == ["one", "letter"]  # 1 < "a" cannot be asked
    assert tree.sorted_keys({"b": 0, "a": 0}) == ["a", "b"]


def test_pack_sequence_as_gives_values_by_sorted_key_and_rebuilds_dicts_sorted():
    packed = tree.pack_sequence_as({"b": 0, "a": 0, "c": {"z": 0, "y": 0}}, [10, 20, 30, 40])
    assert packed == {"a": 10, "b": 20, "c": {"y": 30, "z": 40}}
    assert list(packed) == ["a", "b", "c"] and list(packed["c"]) == ["y", "z"]
    assert tree.pack_sequence_as([{"z": 0, "y": 0}], [1, 2]) == [{"y": 1, "z": 2}]


def test_map_structure_keeps_the_first_dicts_key_order_and_matches_by_key():
    mapped = tree.map_structure(lambda v, w: v + w, {"b": 1, "a": 2}, {"a": 100, "b": 200})
    assert mapped == {"b": 201, "a": 102} and list(mapped) == ["b", "a"]


def test_traverse_keeps_insertion_order_for_config_files():
    # configs are rewritten with traverse; their JSON key order is the user's
    rebuilt = tree.traverse(lambda s: None, {"zb": ["xb", 0, 0], "ya": ["xa", 0, 0]})
    assert list(rebuilt) == ["zb", "ya"]
