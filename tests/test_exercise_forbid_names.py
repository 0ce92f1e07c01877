"""Every name an exercise forbids (``@pytest.mark.exercise(..., forbid=[...])``) exists.

The grader's worker replaces each forbidden function with a tripwire before it imports
any student code, looking the name up first. A name that no longer exists (a kernel
renamed or moved) would end the worker as it starts, and every test of that exercise
would fail for every student; the static scan would silently guard nothing. The lists
are read from the test files' text (module-level constants or literal lists), never by
importing the tests, which import student modules.
"""
import ast
import importlib
from pathlib import Path

import pytest

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


def forbidden_names(test_file):
    """``{dotted name: line}`` for every ``forbid=`` of an exercise marker in ``test_file``."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    constants = {node.targets[0].id: node.value for node in tree.body
                 if isinstance(node, ast.Assign) and len(node.targets) == 1
                 and isinstance(node.targets[0], ast.Name)}
    names = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "exercise"):
            continue
        for keyword in node.keywords:
            if keyword.arg != "forbid":
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = constants[value.id]   # a KeyError here: forbid= names an unknown constant
            for dotted in ast.literal_eval(value):
                names.setdefault(dotted, node.lineno)
    return names


TEST_FILES = sorted(EXERCISES.glob("ch*/tests/test_*.py")) + sorted(EXERCISES.glob("ch*/hidden/test_*.py"))


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_every_forbidden_name_exists(test_file):
    missing = []
    for dotted, line in forbidden_names(test_file).items():
        module, _, attribute = dotted.rpartition(".")
        try:
            getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError) as exc:
            missing.append(f"line {line}: {dotted} ({type(exc).__name__}: {exc})")
    assert not missing, "forbid= names that do not exist:\n" + "\n".join(missing)


def test_the_exercises_forbid_something():
    """The collector above finds the markers (a marker syntax it misses would pass vacuously)."""
    found = {name for path in TEST_FILES for name in forbidden_names(path)}
    assert "minikeras.kernels.dense.dense_forward" in found
    assert len(found) > 40
