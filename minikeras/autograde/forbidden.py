"""Does a submission use the library function its exercise asks the student to write?

An exercise such as "implement ``dense_forward``" is checked against minikeras's own
``dense_forward``; a student who merely calls that function would pass. The exercise's
marker names such functions (``forbid=["minikeras.kernels.dense.dense_forward"]``) and
two guards enforce it:

* here, before each test, in the grader's process (and in a student's local run): the
  student's files that the test file imports are *read* (parsed, never run) for an
  import of a forbidden name or an attribute access with its name;
* in the worker, a tripwire replaces the function itself (``worker.install_tripwires``),
  for uses the text does not show (``getattr`` with a computed name and the like).
"""

import ast
from pathlib import Path


def imported_modules(test_file):
    """Top-level module names a test file imports."""
    tree = ast.parse(Path(test_file).read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names += [alias.name.split(".")[0] for alias in node.names]
    return list(dict.fromkeys(names))


def student_files(test_file, roots):
    """The files in the submission's folders that ``test_file`` imports."""
    found = []
    for name in imported_modules(test_file):
        for root in roots:
            candidate = Path(root) / f"{name}.py"
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def forbidden_uses(test_file, roots, forbid):
    """A description of the first forbidden use in the student's files, or None."""
    for path in student_files(test_file, roots):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            return None  # the import fails and says why
        for dotted in forbid:
            line = _first_use(tree, dotted)
            if line:
                return f"{dotted} ({path.name}, line {line})"
    return None


def _first_use(tree, dotted):
    module, _, name = dotted.rpartition(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == module \
                and any(alias.name == name for alias in node.names):
            return node.lineno
        if isinstance(node, ast.Attribute) and node.attr == name:
            return node.lineno
    return None
