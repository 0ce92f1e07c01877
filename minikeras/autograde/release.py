"""minikeras-release OUT_DIR: write the student copy of the exercises, then check it.

The release holds ``conftest.py``, ``STUDENT_README.md`` (as ``README.md``),
its Chinese twin ``STUDENT_README.zh.md`` (as ``README.zh.md``) and every chapter
folder ``ch*/`` (with its ``README.md`` and ``README.zh.md``) without its
``hidden/`` tests; ``solutions/`` is never copied. Before copying, the
exercise tree is linted (every solution file has a stub; student module names
and test file names are unique across chapters, since all chapters share one
``sys.path``). After copying, the release is checked for leaks: no
``hidden``/``solutions`` folder, no file equal to a solution file, and no
solution function body anywhere in its text (compared after ``ast.unparse``,
so formatting and comments do not matter; docstrings are ignored, and so are
bodies equal to the stub's, i.e. provided code, and trivial ones). A release
that fails the check is deleted.
"""

import argparse
import ast
import hashlib
import json
import shutil
import sys
from pathlib import Path

DEFAULT_EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SKIP = shutil.ignore_patterns("hidden", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis")
MARK = ".minikeras-release"  # written into every release; --force only replaces such folders
# The students' top-level README in each language the exercises are written in.
STUDENT_READMES = {"STUDENT_README.md": "README.md", "STUDENT_README.zh.md": "README.zh.md"}
MIN_BODY_CHARS = 16  # shorter bodies (``return x``) are too common to count as leaks


def squash(text):
    return "".join(text.split())


def function_bodies(source):
    """``{function name: [body code, ...]}`` for every function in ``source``, docstrings dropped.

    Each body is given twice: as ``ast.unparse`` text and as its source text.
    """
    bodies = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]
            unparsed = "\n".join(ast.unparse(stmt) for stmt in body)
            raw = "\n".join(ast.get_source_segment(source, stmt) or "" for stmt in body)
            bodies.setdefault(node.name, []).append((unparsed, raw))
    return bodies


def chapter_files(exercises):
    """Student files: ``chNN_topic/*.py`` next to the tests."""
    return sorted(p for ch in exercises.glob("ch*") if ch.is_dir() for p in ch.glob("*.py"))


def layout_problems(exercises):
    exercises = Path(exercises)
    problems = []
    solutions = exercises / "solutions"
    for sol in sorted(solutions.rglob("*.py")) if solutions.is_dir() else []:
        if not (exercises / sol.relative_to(solutions)).is_file():
            problems.append(f"{sol}: no stub at {exercises / sol.relative_to(solutions)}")
    for kind, files in (("student module", chapter_files(exercises)),
                        ("test file", sorted(exercises.glob("ch*/*/test_*.py")))):
        seen = {}
        for path in files:
            if path.name in seen:
                problems.append(f"{kind} name {path.name} is used twice: {seen[path.name]} and {path}")
            seen[path.name] = path
    return problems


def make_release(exercises, out, force=False):
    """Copy the student files of ``exercises`` into ``out``; return the copied paths."""
    exercises, out = Path(exercises).resolve(), Path(out).resolve()
    if out == exercises or exercises in out.parents:
        raise ValueError(f"{out} is inside {exercises}: choose a folder outside the exercise tree")
    if out.exists() and any(out.iterdir()):
        if not (force and (out / MARK).is_file()):
            raise ValueError(f"{out} is not empty (--force replaces an earlier release)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(exercises / "conftest.py", out / "conftest.py")
    for source, target in STUDENT_READMES.items():
        if (exercises / source).is_file():
            shutil.copy2(exercises / source, out / target)
    for chapter in sorted(p for p in exercises.glob("ch*") if p.is_dir()):
        shutil.copytree(chapter, out / chapter.name, ignore=SKIP)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    (out / MARK).write_text(json.dumps({"source": str(exercises), "files": files}, indent=1) + "\n")
    return files


def verify_release(out, exercises):
    """Problems found in the release ``out``: hidden tests or solution code in it."""
    out, solutions = Path(out), Path(exercises) / "solutions"
    problems = [f"{p}: should not be released" for p in out.rglob("*")
                if p.name in ("hidden", "solutions") and p.is_dir()]
    texts = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != MARK):
        data = path.read_bytes()
        texts[path] = [squash(data.decode(errors="replace"))]
        if path.suffix == ".py":
            try:
                texts[path].append(squash(ast.unparse(ast.parse(data))))
            except (SyntaxError, ValueError):
                pass
    digests = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in texts}
    for sol in sorted(p for p in solutions.rglob("*") if p.is_file()) if solutions.is_dir() else []:
        copy = digests.get(hashlib.sha256(sol.read_bytes()).hexdigest())
        if copy and len(squash(sol.read_text(errors="replace"))) >= MIN_BODY_CHARS:
            problems.append(f"{copy} is a copy of {sol}")
        if sol.suffix != ".py":
            continue
        stub = Path(exercises) / sol.relative_to(solutions)
        provided = function_bodies(stub.read_text()) if stub.is_file() else {}
        for name, bodies in function_bodies(sol.read_text()).items():
            provided_code = {squash(unparsed) for unparsed, _ in provided.get(name, [])}
            for unparsed, raw in bodies:
                needles = {squash(unparsed), squash(raw)}
                if squash(unparsed) in provided_code or len(squash(unparsed)) < MIN_BODY_CHARS:
                    continue
                for path, haystacks in texts.items():
                    if any(n in h for n in needles for h in haystacks):
                        problems.append(f"{path} contains the body of {name}() from {sol}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minikeras-release", description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write the student release into")
    parser.add_argument("--exercises", default=str(DEFAULT_EXERCISES),
                        help="exercise tree to release (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="replace an earlier release in OUT")
    args = parser.parse_args(argv)
    exercises = Path(args.exercises)
    problems = layout_problems(exercises)
    if not problems:
        try:
            files = make_release(exercises, args.out, force=args.force)
        except (OSError, ValueError) as exc:
            print(f"minikeras-release: error: {exc}", file=sys.stderr)
            return 2
        problems = verify_release(args.out, exercises)
        if problems:
            shutil.rmtree(args.out)
    if problems:
        print("minikeras-release: not released:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"wrote {len(files)} files to {args.out}; no hidden tests or solution code in it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
