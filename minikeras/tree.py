"""Nested structures: the one place that walks lists, tuples and dicts.

Layers take and return tensors in nested Python containers (``[a, b]``,
``{"title": t, "body": b}``, ``((h, c), y)``); losses and data come the same way.
Rather than every module writing its own recursive loop, they all use these
functions, as Keras 3 does with ``keras.tree``:

* ``flatten(s)``: the leaves, in order (dicts by sorted key, as Keras 3's optree does);
* ``pack_sequence_as(s, leaves)``: the inverse, leaves put back into the shape of ``s``
  (each dict rebuilt in sorted key order, the order its leaves were taken in);
* ``map_structure(fn, *s)``: ``fn`` applied leaf by leaf, same shape out (a dict keeps the
  first structure's key order, a lookup by key, not by position); with
  ``is_leaf=`` a container the predicate accepts counts as one leaf (a shape such as
  ``[None, 32]``, a JSON record such as ``{"class_name": ..., "config": ...}``);
* ``map_shape_structure(fn, s)``: the same, but a shape tuple such as ``(None, 32)``
  counts as one leaf (shapes are tuples, so the plain walkers would descend into them);
* ``traverse(fn, s, top_down=False)``: ``fn`` sees the containers too and may replace
  any of them, for rewrites that change the structure itself (a tuple written out as a
  list, a key dropped from a config dict).

Only ``list``, ``tuple`` and ``dict`` are containers; everything else (``None``,
arrays, tensors, strings) is a leaf. A namedtuple keeps its type.

Why sorted keys. ``flatten`` decides what "position" means for everything built on it: a
model built with ``outputs={"zeta": z, "alpha": a}`` has ``model.outputs == [a, z]``, a
loss or target list is matched to ``model.outputs`` by position, and ``predict`` returns
``{"alpha": ..., "zeta": ...}``. Keras 3 flattens a plain ``dict`` (and a ``defaultdict``)
by sorted key, so code written for it that reads outputs by position needs the same order
here. An ``OrderedDict`` says its order matters, so it keeps it (as in optree); keys that
cannot be compared with each other (``1`` and ``"a"``) keep insertion order too.
``traverse`` is the exception: it rewrites configs, whose key order is part of a JSON file
format (``"input_layers": {"zb": ..., "ya": ...}`` is written as the user gave it), so it
walks dicts in insertion order.
"""

from collections import OrderedDict

CONTAINERS = (list, tuple, dict)


def is_nested(structure):
    return isinstance(structure, CONTAINERS)


def is_shape_tuple(x):
    """``(None, 32)`` or ``()``: a tuple whose items are all ``None`` or integers."""
    return isinstance(x, tuple) and all(d is None or _is_int(d) for d in x)


def _is_int(d):
    return isinstance(d, int) or type(d).__name__.startswith(("int", "uint"))  # numpy integers


def sorted_keys(mapping):
    """The keys of ``mapping`` in the order ``flatten`` walks them: sorted, unless the dict
    is an ``OrderedDict`` or its keys cannot be compared (then insertion order)."""
    if isinstance(mapping, OrderedDict):
        return list(mapping)
    try:
        return sorted(mapping)
    except TypeError:
        return list(mapping)


def flatten(structure):
    """The leaves of ``structure`` in order; a leaf on its own gives ``[leaf]``."""
    if isinstance(structure, dict):
        return [leaf for key in sorted_keys(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat_sequence):
    """Put ``flat_sequence`` back into the shape of ``structure`` (inverse of ``flatten``)."""
    items = iter(flat_sequence)
    packed = _rebuild(structure, items)
    leftover = sum(1 for _ in items)
    if leftover:
        raise ValueError(f"pack_sequence_as: the structure has {len(flatten(structure))} leaves, "
                         f"but {len(flatten(structure)) + leftover} values were given")
    return packed


def _rebuild(structure, items):
    # A module-level function rather than a recursive closure: a closure that refers to
    # itself is a reference cycle, which would keep every step's arrays alive until the GC runs.
    if isinstance(structure, dict):
        return {key: _rebuild(structure[key], items) for key in sorted_keys(structure)}
    if isinstance(structure, (list, tuple)):
        return _same_type(structure, [_rebuild(item, items) for item in structure])
    try:
        return next(items)
    except StopIteration:
        raise ValueError("pack_sequence_as: fewer values than the structure has leaves") from None


def _same_type(container, items):
    if isinstance(container, tuple) and hasattr(container, "_fields"):  # namedtuple
        return type(container)(*items)
    return type(container)(items)


def map_structure(fn, *structures, is_leaf=None):
    """``fn(leaf_1, leaf_2, ...)`` for each position of equally shaped structures.
    ``is_leaf(item)``, if given, is asked about the first structure's containers: true
    makes that container one leaf."""
    first = structures[0]
    if is_leaf is not None and is_leaf(first):
        return fn(*structures)
    if isinstance(first, dict):
        _check_same_keys(structures)
        return {key: map_structure(fn, *(s[key] for s in structures), is_leaf=is_leaf) for key in first}
    if isinstance(first, (list, tuple)):
        _check_same_length(structures)
        return _same_type(first, [map_structure(fn, *items, is_leaf=is_leaf) for items in zip(*structures)])
    return fn(*structures)


def map_shape_structure(fn, structure):
    """Like ``map_structure`` with one structure, but a shape tuple is a leaf."""
    return map_structure(fn, structure, is_leaf=is_shape_tuple)


def traverse(fn, structure, top_down=True):
    """``fn`` applied to every sub-structure, containers as well as leaves (Keras 3's
    ``tree.traverse``); whatever ``fn`` returns, other than None, takes that sub-structure's place.

    Top down, ``fn(s)`` returning None means "go inside ``s``" (a container is rebuilt from its
    traversed items; a leaf stays); a value replaces ``s`` and its inside is not visited.
    Bottom up (``top_down=False``), the items of ``s`` are traversed first and ``fn`` gets ``s``
    rebuilt from them; None keeps that rebuilt ``s``. Either way ``fn`` cannot turn a value into
    None (None means "no change").
    """
    if top_down:
        replaced = fn(structure)
        if replaced is not None:
            return replaced
    if isinstance(structure, dict):
        structure = {key: traverse(fn, value, top_down) for key, value in structure.items()}
    elif isinstance(structure, (list, tuple)):
        structure = _same_type(structure, [traverse(fn, item, top_down) for item in structure])
    if top_down:
        return structure
    replaced = fn(structure)
    return structure if replaced is None else replaced


def _check_same_keys(structures):
    keys = [set(s) if isinstance(s, dict) else None for s in structures]
    if any(k != keys[0] for k in keys):
        raise ValueError(f"map_structure: the structures do not match: dicts with keys {keys}")


def _check_same_length(structures):
    lengths = [len(s) if isinstance(s, (list, tuple)) else None for s in structures]
    if any(n != lengths[0] for n in lengths):
        raise ValueError(f"map_structure: the structures do not match: sequences of lengths {lengths}")
