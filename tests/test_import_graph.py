"""The package's import graph: dependencies point one way.

Every ``import`` in ``minikeras/`` is read with ``ast`` (at module level and inside
functions alike: an import moved into a function still makes the dependency), giving a
directed graph of modules. ``import a.b`` and ``from a import b`` (b a module) are edges to
``a.b``; ``from a.b import name`` is an edge to ``a.b``. The packages Python initialises on
the way (``a``) are not counted as edges.

One cycle is allowed, and only through one import: ``KerasTensor``'s operators
(``engine/tensor.py``) call ``minikeras.ops``, which builds on ``KerasTensor``. Every other
import inside a function must say why on its line or just above (deferring a heavy
dependency, such as matplotlib, until it is needed).
"""
import ast
import io
import pathlib
import tokenize

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "minikeras"
ALLOWED_CYCLE_EDGE = ("minikeras.engine.tensor", "minikeras.ops")


def _modules():
    """{module name: (path, is_package)} for every .py file of the package."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        modules[".".join(parts)] = (path, is_package)
    return modules


def _targets(node, module, is_package, modules):
    """The modules one import statement depends on."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module
    return [f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
            for alias in node.names]


def _function_imports(tree):
    found = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.add(id(node))
    return found


def _comment_lines(source):
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT}


def _explained(node, lines, comments):
    """A comment on the import's lines, or just above it or above the run of imports it is in."""
    if any(line in comments for line in range(node.lineno, node.end_lineno + 1)):
        return True
    above = node.lineno - 1
    while above > 0 and lines[above - 1].strip().startswith(("import ", "from ")):
        above -= 1
    return above in comments


def import_graph():
    """(edges {module: {module it imports}}, [(module, line, text) of imports in functions
    that give no reason])."""
    modules = _modules()
    edges = {name: set() for name in modules}
    unexplained = []
    for name, (path, is_package) in modules.items():
        source = path.read_text()
        tree = ast.parse(source)
        in_function = _function_imports(tree)
        comments = _comment_lines(source)
        lines = source.splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, name, is_package, modules):
                if target.startswith("minikeras") and target != name:
                    edges[name].add(target)
            if id(node) in in_function and not _explained(node, lines, comments):
                unexplained.append((name, node.lineno, lines[node.lineno - 1].strip()))
    return edges, unexplained


def cycles(edges):
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _without_allowed_edge(edges):
    source, target = ALLOWED_CYCLE_EDGE
    pruned = {k: set(v) for k, v in edges.items()}
    pruned[source] = {t for t in pruned[source] if t != target and not t.startswith(target + ".")}
    return pruned


def test_the_only_import_cycle_is_keras_tensor_operators_and_ops():
    edges, _ = import_graph()
    source, target = ALLOWED_CYCLE_EDGE
    assert target in edges[source], "the allowed edge has moved: update ALLOWED_CYCLE_EDGE"
    found = cycles(_without_allowed_edge(edges))
    assert found == [], "import cycles (each line is one cycle's modules):\n" + "\n".join(map(str, found))


def test_imports_inside_functions_say_why():
    _, unexplained = import_graph()
    assert unexplained == [], "imports inside functions with no comment saying why:\n" + "\n".join(
        f"{module}:{line}: {text}" for module, line, text in unexplained)


def test_the_checker_sees_cycles_and_in_function_imports(tmp_path):
    """The graph and the cycle finder on a made-up package: a cycle closed inside a function
    is still a cycle."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    tree = ast.parse("import os\ndef f():\n    from . import b\n")
    assert len(_function_imports(tree)) == 1
    node = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)][0]
    assert _targets(node, "minikeras.a", False, {"minikeras.b": None}) == ["minikeras.b"]
    assert _comment_lines("x = 1  # why\n# because\ny = '#'\n") == {1, 2}
    source = "def f():\n    # why\n    import a\n    import b\n    x = 1\n    import c\n"
    imports = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import)]
    explained = [_explained(n, source.splitlines(), _comment_lines(source)) for n in imports]
    assert explained == [True, True, False]


def test_engine_does_not_import_layers_saving_or_utils():
    """backend -> tree -> kernels -> ops -> engine -> layers -> saving/utils. (The training
    loop drives callbacks, and callbacks import nothing of the engine.)"""
    edges, _ = import_graph()
    for module, targets in edges.items():
        top = module.split(".")[1] if "." in module else ""
        if top == "engine":
            above = [t for t in targets if t.split(".")[1] in ("layers", "saving", "utils")]
            assert above == [], f"{module} imports {above}: the engine sits below them"
        if top == "callbacks":
            below = [t for t in targets if t.split(".")[1] == "engine"]
            assert below == [], f"{module} imports {below}: the engine's loop calls callbacks"
