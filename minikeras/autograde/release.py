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
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from minikeras.autograde.grade import STUDENT_FILES

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
    write_student_files(exercises, out)
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


# --------------------------------------------------------------------------- Gradescope

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when the autograder image is built (as root).
# 1. Install minikeras from the wheel in this zip (it holds the package only: no
#    exercises, no solutions). 2. Make the student account and compile the kernels
#    once, into the grader's cache (--prepare runs `minikeras warmup` there). 3. Make the tests unreadable to other users
#    (student code runs as another user; see exercises/README.md, "Threat model").
set -euo pipefail
AUTOGRADER="${AUTOGRADER:-/autograder}"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m pip install --quiet --force-reinstall --no-deps "$AUTOGRADER"/source/minikeras-*.whl
"$PYTHON" -m pip install --quiet "$AUTOGRADER"/source/minikeras-*.whl  # its dependencies
"$PYTHON" -m minikeras.autograde.grade --prepare
chmod -R go-rwx "$AUTOGRADER/source"
chmod go+x "$AUTOGRADER"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (as root): grade /autograder/submission,
# write /autograder/results/results.json. Student code runs as an unprivileged user.
set -uo pipefail
AUTOGRADER="${AUTOGRADER:-/autograder}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$AUTOGRADER/results"
cd "$AUTOGRADER/source"
"$PYTHON" -m minikeras.autograde.grade "$AUTOGRADER/submission" --exercises "$AUTOGRADER/source/exercises" \\
    --results "$AUTOGRADER/results/results.json" ${MINIKERAS_GRADE_ARGS:-}
"""


def build_wheel(folder):
    """A wheel of minikeras from the source checkout this package lives in."""
    source = Path(__file__).resolve().parents[2]
    if not (source / "pyproject.toml").is_file():
        raise ValueError("--gradescope needs a source checkout of minikeras (pip install -e .)")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(folder), str(source)], check=True)
    (wheel,) = Path(folder).glob("minikeras-*.whl")
    return wheel


def grading_tree(exercises, out):
    """The exercise tree for the grader: tests and hidden tests, stubs and helpers, the
    list of student modules, and never solutions."""
    shutil.copytree(exercises, out, ignore=shutil.ignore_patterns(
        "solutions", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis"))
    write_student_files(exercises, out)


def write_student_files(exercises, out):
    """The names of the modules students write (the grader proxies exactly these)."""
    modules = sorted({p.stem for p in (Path(exercises) / "solutions").glob("ch*/*.py")})
    if modules:
        (Path(out) / STUDENT_FILES).write_text(json.dumps(modules, indent=1) + "\n")


def make_gradescope_zip(exercises, zip_path):
    """``autograder.zip``: setup.sh, run_autograder, the wheel, exercises/ (without solutions)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wheel = build_wheel(tmp / "wheel")
        grading_tree(Path(exercises), tmp / "exercises")
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
                info = zipfile.ZipInfo(name)
                info.external_attr = 0o755 << 16
                archive.writestr(info, text)
            archive.write(wheel, wheel.name)
            for path in sorted((tmp / "exercises").rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(tmp)))
    with zipfile.ZipFile(zip_path) as archive:
        leaked = [n for n in archive.namelist() if "/solutions/" in n or n.startswith("solutions/")]
    if leaked:
        Path(zip_path).unlink()
        raise ValueError(f"solutions would ship in the autograder zip: {leaked[:3]}")


# --------------------------------------------------------------------------- GitHub Classroom

WORKFLOW = """name: Autograding Tests
on: [push, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install minikeras
        run: python -m pip install ./{wheel}
{steps}
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{reporter_env}
        with:
          runners: {runners}
"""

STEP = """      - name: {name}
        id: {ident}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {name}
          command: python -m pytest -q -p no:cacheprovider --exercise {name}
          timeout: 10
          max-score: {points}
"""


def exercise_points(release):
    """``{exercise id: points}`` of the public tests in a release (collected by pytest)."""
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                        "--mk-events", str(events), str(release)], cwd=release, capture_output=True, check=False)
        collected = [json.loads(line) for line in events.read_text().splitlines()
                     if json.loads(line)["event"] == "collected"]
    points = {}
    for info in collected[0]["tests"] if collected else []:
        points[info["exercise"]] = points.get(info["exercise"], 0) + info["points"]
    if not points:
        raise ValueError(f"no exercise tests were collected in {release}")
    return points


def make_github_classroom(exercises, out, force=False):
    """A student repository: the release, the wheel, and a workflow that runs the public
    tests on every push, one step (and one score) per exercise. GitHub Classroom scores a
    step all or nothing, so an exercise earns its points when all its public tests pass."""
    files = make_release(exercises, out, force=force)
    out = Path(out)
    wheel = build_wheel(out)
    points = exercise_points(out)
    idents = {name: "ex-" + name.replace(".", "-").replace("_", "-") for name in points}
    steps = "".join(STEP.format(name=name, ident=idents[name], points=max(1, round(p))) for name, p in points.items())
    reporter_env = "\n".join(f"          {idents[n].upper().replace('-', '_')}_RESULTS: "
                             f"\"${{{{steps.{idents[n]}.outputs.result}}}}\"" for n in points)
    workflow = out / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(WORKFLOW.format(wheel=wheel.name, steps=steps.rstrip("\n"), reporter_env=reporter_env,
                                        runners=",".join(idents[n] for n in points)))
    autograding = {"tests": [{"name": name, "setup": f"python -m pip install ./{wheel.name}",
                              "run": f"python -m pytest -q -p no:cacheprovider --exercise {name}",
                              "input": "", "output": "", "comparison": "included", "timeout": 10,
                              "points": max(1, round(p))} for name, p in points.items()]}
    (out / ".github" / "classroom").mkdir()
    (out / ".github" / "classroom" / "autograding.json").write_text(json.dumps(autograding, indent=2) + "\n")
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minikeras-release", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", help="folder to write the student release into")
    parser.add_argument("--exercises", default=str(DEFAULT_EXERCISES),
                        help="exercise tree to release (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="replace an earlier release in OUT")
    parser.add_argument("--gradescope", metavar="ZIP",
                        help="write Gradescope's autograder.zip (setup.sh, run_autograder, wheel, tests)")
    parser.add_argument("--github-classroom", metavar="DIR",
                        help="write a GitHub Classroom student repository with its autograding workflow")
    args = parser.parse_args(argv)
    exercises = Path(args.exercises)
    problems = layout_problems(exercises)
    if problems:
        print("minikeras-release: not released:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    if not (args.out or args.gradescope or args.github_classroom):
        parser.error("give OUT, --gradescope ZIP or --github-classroom DIR")
    try:
        if args.gradescope:
            make_gradescope_zip(exercises, args.gradescope)
            print(f"wrote {args.gradescope}: upload it as the Gradescope autograder")
        for target, maker in ((args.out, make_release), (args.github_classroom, make_github_classroom)):
            if not target:
                continue
            files = maker(exercises, target, force=args.force)
            problems = verify_release(target, exercises)
            if problems:
                shutil.rmtree(target)
                print("minikeras-release: not released:\n  " + "\n  ".join(problems), file=sys.stderr)
                return 1
            print(f"wrote {len(files)} files to {target}; no hidden tests or solution code in it")
    except (OSError, ValueError, subprocess.CalledProcessError) as exc:
        print(f"minikeras-release: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
