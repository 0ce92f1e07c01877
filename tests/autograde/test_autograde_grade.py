import io
import json
import os
import subprocess
import sys
import time

import pytest

from minikeras.autograde import grade as grade_module
from minikeras.autograde.grade import GradingError, grade, main
from minikeras.autograde.plugin import OUTPUT_LIMIT as TEST_OUTPUT_LIMIT

VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}


def run(tree, submission, **kwargs):
    kwargs.setdefault("warmup", False)
    kwargs.setdefault("jobs", 3)
    out = io.StringIO()
    data = grade(submission, tree.exercises, tree.tmp / "results.json", out=out, **kwargs)
    assert json.loads((tree.tmp / "results.json").read_text()) == data
    check_schema(data)
    return data, out.getvalue()


def check_schema(data):
    """The parts of Gradescope's results.json spec that we promise."""
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["execution_time"], int)
    assert isinstance(data["output"], str)
    assert data["visibility"] in VISIBILITIES
    assert isinstance(data["tests"], list) and data["tests"]
    for entry in data["tests"]:
        assert {"name", "number", "score", "max_score", "output", "visibility"} <= set(entry)
        assert isinstance(entry["name"], str) and isinstance(entry["number"], str)
        assert isinstance(entry["output"], str)
        assert isinstance(entry["score"], (int, float)) and isinstance(entry["max_score"], (int, float))
        assert 0 <= entry["score"] <= entry["max_score"]
        assert entry["visibility"] in VISIBILITIES
        assert entry["status"] in ("passed", "failed")
    assert data["score"] == pytest.approx(sum(e["score"] for e in data["tests"]))
    json.dumps(data)


def entry(data, name):
    (found,) = [e for e in data["tests"] if e["name"] == name]
    return found


def test_solutions_get_full_marks(tree):
    data, out = run(tree, tree.solutions)
    assert data["score"] == tree.full_marks
    assert all(e["status"] == "passed" for e in data["tests"])
    assert "TOTAL" in out and f"{tree.full_marks:g}/{tree.full_marks:g}" in out


def test_stubs_get_zero_and_every_exercise_is_reported(tree):
    data, out = run(tree, tree.exercises)
    assert data["score"] == 0
    names = {e["name"] for e in data["tests"]}
    assert {"ch01.add", "ch01.mul", "ch01.shout"} <= names
    assert sum(e["max_score"] for e in data["tests"]) == tree.full_marks
    assert "NotImplementedError" in entry(data, "ch01.add")["output"]
    assert "test_add_small: NotImplementedError: add" in out  # first failure in the table


def test_partial_credit_per_test_and_split_over_parametrized_cases(tree):
    sub = tree.submission(arith="""
        def add(a, b):
            return a + b if a > 0 else 0

        def mul(a, b):
            return a * b if a else 1
        """)
    data, _ = run(tree, sub)
    add, mul = entry(data, "ch01.add"), entry(data, "ch01.mul")
    assert (add["score"], add["max_score"]) == (1, 3)
    assert (mul["score"], mul["max_score"]) == (2, 3)  # 3 points over 3 cases, one fails
    assert "FAILED  test_mul[0-5-0] (0/1)" in mul["output"]
    assert entry(data, "ch01.shout")["score"] == 2


@pytest.mark.parametrize("source, error", [
    ("raise RuntimeError('boom at import')\n", "RuntimeError: boom at import"),
    ("def shout(s)\n    return s\n", "SyntaxError"),
    ("import no_such_module_xyz\n", "No module named 'no_such_module_xyz'"),
])
def test_import_error_scores_zero_for_that_module_only(tree, source, error):
    data, out = run(tree, tree.submission(text=source))
    shout = entry(data, "ch01.shout")
    assert shout["score"] == 0
    assert "import failed" in shout["output"] and error in shout["output"]
    assert entry(data, "ch01.add")["score"] == 3 and entry(data, "ch01.mul")["score"] == 3
    assert "import failed" in out


def test_missing_file_falls_back_to_the_stub(tree):
    sub = tree.submission()
    (sub / "ch01_basics" / "text.py").unlink()
    data, _ = run(tree, sub)
    assert entry(data, "ch01.shout")["score"] == 0
    assert "NotImplementedError" in entry(data, "ch01.shout")["output"]
    assert data["score"] == tree.full_marks - 2


def test_flat_submission(tree):
    flat = tree.tmp / "flat"
    flat.mkdir()
    for path in (tree.solutions / "ch01_basics").glob("*.py"):
        (flat / path.name).write_text(path.read_text())
    data, _ = run(tree, flat)
    assert data["score"] == tree.full_marks


def test_infinite_loop_in_one_test_costs_only_that_test(tree):
    sub = tree.submission(arith="""
        def add(a, b):
            while a < 0:
                pass
            return a + b

        def mul(a, b):
            return a * b
        """)
    start = time.monotonic()
    data, _ = run(tree, sub, timeout=1.5)
    assert time.monotonic() - start < 30
    add = entry(data, "ch01.add")
    assert add["score"] == 1  # test_add_small passes, test_add_negative hangs
    assert "test_add_negative (0/2): time limit exceeded (1.5 s)" in add["output"]
    assert entry(data, "ch01.add (hidden tests)")["score"] == 1  # ran in a fresh process
    assert data["score"] == tree.full_marks - 2


def test_timeout_marker_overrides_the_default_limit(tree):
    (tree.exercises / "ch01_basics" / "tests" / "test_ch01_slow.py").write_text(
        "import time, pytest\n"
        "@pytest.mark.exercise('ch01.slow', points=1, timeout=1)\n"
        "def test_slow():\n    time.sleep(60)\n")
    start = time.monotonic()
    data, _ = run(tree, tree.solutions, timeout=120)
    assert time.monotonic() - start < 40
    assert "time limit exceeded (1 s)" in entry(data, "ch01.slow")["output"]


def test_infinite_loop_at_import_hits_the_startup_limit(tree):
    data, _ = run(tree, tree.submission(text="while True:\n    pass\n"), startup_timeout=10)
    shout = entry(data, "ch01.shout")
    assert shout["score"] == 0 and "before the tests started" in shout["output"]
    assert data["score"] == tree.full_marks - 2


@pytest.mark.parametrize("crash, how", [("os._exit(3)", "exit code 3"),
                                        ("os.kill(os.getpid(), signal.SIGSEGV)", "killed by SIGSEGV")])
def test_crashing_submission_process_is_survived(tree, crash, how):
    sub = tree.submission(arith=f"""
        import os, signal

        def add(a, b):
            return a + b

        def mul(a, b):
            if a == 0:
                {crash}
            return a * b
        """)
    data, _ = run(tree, sub)
    mul = entry(data, "ch01.mul")
    assert mul["score"] == 2
    assert f"test_mul[0-5-0] (0/1): SubmissionCrashed: the submission's process ended ({how}) during mul()" \
        in mul["output"]
    assert data["score"] == tree.full_marks - 1


def test_huge_output_is_capped(tree):
    sub = tree.submission(text="""
        def shout(s):
            print("x" * 5_000_000)
            return s
        """)
    data, _ = run(tree, sub)
    shout = entry(data, "ch01.shout")
    assert shout["score"] == 0
    assert "characters cut" in shout["output"]
    assert len(shout["output"]) <= grade_module.OUTPUT_LIMIT + 200
    assert (tree.tmp / "results.json").stat().st_size < 50_000
    assert entry(data, "ch01.add")["score"] == 3


@pytest.mark.skipif(os.name != "posix", reason="file size limits need POSIX rlimits")
def test_writes_beyond_the_file_size_limit_fail_the_test(tree, monkeypatch):
    monkeypatch.setattr(grade_module, "FILE_SIZE_LIMIT", 2**20)
    monkeypatch.setattr(grade_module, "WORKER_FILE_SIZE_LIMIT", 2**20)  # what student code writes
    sub = tree.submission(text="""
        def shout(s):
            for _ in range(100):
                print("y" * 100_000)
            return s.upper() + "!"
        """)
    data, _ = run(tree, sub)
    shout = entry(data, "ch01.shout")
    assert shout["score"] == 0 and "File too large" in shout["output"]
    assert data["score"] == tree.full_marks - 2


def test_hidden_tests_have_their_own_entries_without_tracebacks(tree):
    data, _ = run(tree, tree.exercises)
    hidden = entry(data, "ch01.add (hidden tests)")
    assert hidden["visibility"] == "after_published" and hidden["max_score"] == 1
    assert hidden["number"] == entry(data, "ch01.add")["number"] == "1.1"
    assert "test_add_large (0/1): NotImplementedError: add" in hidden["output"]
    assert "raise NotImplementedError" not in hidden["output"]  # no traceback
    assert "raise NotImplementedError" in entry(data, "ch01.add")["output"]
    assert entry(data, "ch01.mul (hidden tests)")["visibility"] == "hidden"  # marker override


def test_public_only_and_exercise_filter(tree):
    data, _ = run(tree, tree.solutions, public_only=True, only=["ch01.add", "ch01.shout"])
    assert [e["name"] for e in data["tests"]] == ["ch01.add", "ch01.shout"]
    assert data["score"] == 5


def test_bad_directories_raise_grading_error(tree):
    with pytest.raises(GradingError):
        grade(tree.tmp / "nope", tree.exercises, out=io.StringIO())
    assert main([str(tree.solutions), "--exercises", str(tree.tmp / "nope")]) == 2


def test_command_line(tree, capsys):
    results = tree.tmp / "out" / "results.json"
    code = main([str(tree.solutions), "--exercises", str(tree.exercises), "--results", str(results),
                 "--no-warmup"])
    assert code == 0
    assert json.loads(results.read_text())["score"] == tree.full_marks
    assert "ch01.mul" in capsys.readouterr().out


def test_python_dash_m_entry_point(repo):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "minikeras.autograde.grade", "--help"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0 and "--results" in proc.stdout


def test_real_demo_exercise_with_warmup(tmp_path, repo):
    """The ch00 demo: solutions get full marks, stubs zero, with the numba warm-up on.

    (Grading every chapter takes minutes: run ``minikeras-grade exercises/solutions`` for that.)
    """
    exercises = repo / "exercises"
    full = grade(exercises / "solutions", exercises, tmp_path / "full.json", only=["ch00"],
                 out=io.StringIO())
    check_schema(full)
    assert full["score"] > 0 and all(e["score"] == e["max_score"] for e in full["tests"])
    zero = grade(exercises, exercises, tmp_path / "zero.json", only=["ch00"], out=io.StringIO())
    check_schema(zero)
    assert zero["score"] == 0
    assert {e["name"] for e in zero["tests"]} == {e["name"] for e in full["tests"]}
    assert {"ch00.relu", "ch00.relu_grad"} <= {e["name"] for e in full["tests"]}


def test_plain_pytest_run_uses_the_plugin_without_marker_warnings(tree):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tree.repo), os.environ.get("PYTHONPATH")])))
    env.pop("MINIKERAS_SUBMISSION", None)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error::pytest.PytestUnknownMarkWarning",
           "--rootdir", str(tree.exercises), str(tree.exercises)]
    stubs = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tree.tmp, timeout=120)
    assert stubs.returncode == 1, stubs.stdout
    assert "minikeras exercise points" in stubs.stdout and "total" in stubs.stdout
    env["MINIKERAS_SUBMISSION"] = str(tree.solutions)
    solved = subprocess.run(cmd + ["--exercise", "ch01.mul"], capture_output=True, text=True, env=env,
                            cwd=tree.tmp, timeout=120)
    assert solved.returncode == 0, solved.stdout
    assert "4 passed" in solved.stdout and "ch01.mul  4/4" in solved.stdout


def test_misspelled_marker_keyword_is_an_error(tree):
    (tree.exercises / "ch01_basics" / "tests" / "test_ch01_typo.py").write_text(
        "import pytest\n@pytest.mark.exercise('ch01.typo', point=2)\ndef test_typo():\n    pass\n")
    with pytest.raises(GradingError):
        grade(tree.solutions, tree.exercises, out=io.StringIO(), warmup=False)


def test_per_test_output_is_capped_in_the_plugin():
    from minikeras.autograde.plugin import truncate

    text = truncate("a" * 10 + "b" * 100_000 + "c" * 10)
    assert text.startswith("a") and text.endswith("c") and len(text) < TEST_OUTPUT_LIMIT + 100


def test_hidden_assertion_messages_stay_hidden(tree):
    """A hidden test's assertion message would give its expected value away."""
    sub = tree.submission(arith="""
        def add(a, b):
            return 12

        def mul(a, b):
            return a * b
        """)
    data, out = run(tree, sub)
    hidden = entry(data, "ch01.add (hidden tests)")
    assert "FAILED  test_add_large (0/1)" in hidden["output"] and "assert" not in hidden["output"]
    assert "assert 12" in entry(data, "ch01.add")["output"]  # public tests keep theirs


def test_without_root_the_boundary_stays_and_the_report_says_so(tree, monkeypatch):
    """A grader that cannot switch user still runs student code in a worker process,
    and says loudly that the user switch is missing."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    data, out = run(tree, tree.solutions, jobs=1)
    assert data["score"] == tree.full_marks
    assert "WARNING: the grader is not running as root" in out
    assert data["extra_data"]["student_uid"] is None


def test_the_worker_compiles_no_kernel(repo, tmp_path, monkeypatch):
    """Kernels are compiled once per machine, into the grader's cache: the worker that
    trains a model for ch16.train_step loads them from its copy and adds nothing to it.
    The cache starts empty here, so the warm-up itself must cover what the worker runs."""
    import shutil
    import tempfile

    monkeypatch.setenv("MINIKERAS_GRADER_CACHE", str(tmp_path / "grader-cache"))
    work = tempfile.mkdtemp(prefix="minikeras-grade-test-", dir="/var/tmp" if os.path.isdir("/var/tmp") else None)
    grader = grade_module.Grader(repo / "exercises", repo / "exercises" / "solutions", workdir=work, jobs=1)
    try:
        tests = grader.collect(only=("ch16.train_step",))
        grade_module.warm_up_kernels(grader.env, io.StringIO())
        cache = grader.prepare_worker_cache()
        before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.nbi")}
        grader.grade_exercise(tests)
        after = {p: p.stat().st_mtime_ns for p in cache.rglob("*.nbi")}
    finally:
        for lock in grader.account_locks:
            lock.close()
        shutil.rmtree(work, ignore_errors=True)
    assert all(t.outcome == "passed" for t in tests), [(t.name, t.message) for t in tests]
    # No index was written (one is written for every function numba compiles and caches).
    assert before and {p: t for p, t in after.items() if before.get(p) != t} == {}
