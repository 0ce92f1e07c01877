"""The package's import graph: dependencies point one way.

Every ``import`` in ``minikeras/`` is read with ``ast`` (at module level and inside
functions alike: an import moved into a function still makes the dependency), giving a
directed graph of modules. ``import a.b`` and ``from a import b`` (b a module) are edges to
``a.b``; ``from a.b import name`` is an edge to ``a.b``.

Python runs a package's ``__init__`` before any module inside it: importing
``minikeras.utils.x`` first executes ``minikeras/utils/__init__.py`` and everything that
imports. So every import also makes an edge to each package on the way (``minikeras.utils``),
unless the importing module sits inside that package (its ``__init__`` has already started).
A low module importing a helper from a package whose ``__init__`` gathers names from higher
layers therefore depends on those layers, and the graph shows it.

One cycle is allowed, and only through one import: ``KerasTensor``'s operators
(``engine/tensor.py``) call ``minikeras.ops``, which builds on ``KerasTensor``. Every other
import inside a function must say why on its line or just above (deferring a heavy
dependency, such as matplotlib, until it is needed).

The layers, lowest first, are ``LAYERS`` below: a module never imports a module of a higher
layer.
"""
import ast
import io
import pathlib
import tokenize

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "minikeras"
ALLOWED_CYCLE_EDGE = ("minikeras.engine.tensor", "minikeras.ops")

# The package's layers, lowest first: backend -> tree -> kernels -> ops -> engine -> layers ->
# saving/utils. Each entry names modules or packages (a name covers everything inside it; the
# longest name that matches wins). Imports point down or sideways, never up.
LAYERS = [
    # Settings and helpers that import nothing of minikeras (common/: see its __init__).
    ("minikeras.backend", "minikeras.common", "minikeras.version"),
    ("minikeras.tree",),
    # Arrays only: the compiled and reference kernels, and the initializers (numpy arrays
    # from a name and a seed; ops.tensor's Variable uses them).
    ("minikeras.kernels", "minikeras.initializers"),
    # The differentiable operations. KerasTensor (engine/tensor.py) is what they dispatch on for
    # shapes, so it sits here, not with the engine; its operators call ops: the allowed cycle.
    ("minikeras.ops", "minikeras.engine.tensor"),
    # The objects the engine and the layers use: activations, constraints, regularizers and
    # random draws for layers; losses, metrics, optimizers and callbacks for the training
    # loop (the loop drives the callbacks, which see the model only as the object it hands them).
    ("minikeras.activations", "minikeras.constraints", "minikeras.regularizers", "minikeras.random",
     "minikeras.losses", "minikeras.metrics", "minikeras.optimizers", "minikeras.callbacks"),
    ("minikeras.engine",),
    ("minikeras.layers",),
    # The public addresses that gather names from everything below, and files on disk.
    ("minikeras.saving", "minikeras.utils", "minikeras.models", "minikeras.config",
     "minikeras.preprocessing", "minikeras.datasets"),
    # Whole models built from the public API, the exercise grader, the ``minikeras`` command
    # (``__main__``) and the package's own __init__ (``import minikeras as keras`` loads everything).
    ("minikeras.applications", "minikeras.autograde", "minikeras.__main__", "minikeras"),
]
# Imports allowed to point up the layers: {(importer, imported): the reason}. None today; an
# entry needs a reason that a move of code cannot remove.
UPWARD_EDGES = {}


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


def _packages_run(target, importer, modules):
    """The packages whose ``__init__`` importing ``target`` runs: each package above it,
    except the root and those that contain the importer (already initialised)."""
    parts = target.split(".")
    found = []
    for depth in range(2, len(parts)):
        package = ".".join(parts[:depth])
        if package in modules and modules[package][1] and not (importer + ".").startswith(package + "."):
            found.append(package)
    return found


def import_graph():
    """(edges {module: {module it imports, or whose package __init__ the import runs}},
    [(module, line, text) of imports in functions that give no reason])."""
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
                    edges[name].update(_packages_run(target, name, modules))
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


def a_cycle(component, edges):
    """One closed path through a strongly connected component, as text: the shortest way from
    its first module back to itself (breadth first), e.g. ``a -> b -> a``."""
    start, members = component[0], set(component)
    previous, frontier = {}, [start]
    while frontier and start not in previous:
        next_frontier = []
        for v in frontier:
            for w in sorted(edges.get(v, ())):
                if w in members and w not in previous:
                    previous[w] = v
                    next_frontier.append(w)
        frontier = next_frontier
    path, v = [start], previous[start]
    while v != start:
        path.append(v)
        v = previous[v]
    path.append(start)
    return " -> ".join(reversed(path))


def _cycles_report(found, edges):
    return "\n".join(f"{len(c)} modules: {', '.join(c)}\n  for example: {a_cycle(c, edges)}" for c in found)


def layer_of(module):
    """The index in LAYERS of the longest name that is ``module`` or a package holding it."""
    best = None
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (best is None or len(name) > len(best[1])):
                best = (index, name)
    return best[0]


def _without_allowed_edge(edges):
    source, target = ALLOWED_CYCLE_EDGE
    pruned = {k: set(v) for k, v in edges.items()}
    pruned[source] = {t for t in pruned[source] if t != target and not t.startswith(target + ".")}
    return pruned


def test_the_only_import_cycle_is_keras_tensor_operators_and_ops():
    edges, _ = import_graph()
    source, target = ALLOWED_CYCLE_EDGE
    assert target in edges[source], "the allowed edge has moved: update ALLOWED_CYCLE_EDGE"
    pruned = _without_allowed_edge(edges)
    found = cycles(pruned)
    assert found == [], "import cycles (an import of a.b.c also runs a/__init__ and a/b/__init__):\n" + \
        _cycles_report(found, pruned)


def test_every_module_has_a_layer_and_imports_point_down():
    edges, _ = import_graph()
    names = [name for layer in LAYERS for name in layer]
    missing = [m for m in edges if not any(m == n or m.startswith(n + ".") for n in names if n != "minikeras")
               and m != "minikeras"]
    assert missing == [], f"modules with no layer in LAYERS (add their package): {missing}"
    upward = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module) and (module, target) not in UPWARD_EDGES:
                upward.append(f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})")
    assert upward == [], "imports that point up the layers (LAYERS in this file):\n" + "\n".join(upward)


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
    modules = {"minikeras.a": (None, True), "minikeras.a.b": (None, True), "minikeras.a.b.c": (None, False)}
    assert _packages_run("minikeras.a.b.c", "minikeras.d", modules) == ["minikeras.a", "minikeras.a.b"]
    assert _packages_run("minikeras.a.b.c", "minikeras.a.x", modules) == ["minikeras.a.b"]
    assert _packages_run("minikeras.a.b.c", "minikeras.a.b", modules) == []
    assert a_cycle(["a", "b", "c"], {"a": {"b", "c"}, "b": {"a"}, "c": {"b"}}) == "a -> b -> a"
    assert layer_of("minikeras.engine.tensor") == layer_of("minikeras.ops.core") < layer_of("minikeras.engine.node")
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
