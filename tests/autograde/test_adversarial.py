"""Submissions that try to earn points without the work, graded for real.

Each case is a student file that does no honest work (the stub's honest score is 0)
plus one trick from the list in exercises/README.md ("Threat model"). Every case must

* score exactly what the same file without the trick scores: 0 for its exercise;
* leave the exercise tree (tests, hidden tests, solutions) byte for byte as it was;
* leave no process of the student's behind;
* leave results.json as the grader wrote it (the dict ``grade`` returned);

and where the trick is visible, the test's reason says "submission tried to ...".

These run the real sandbox: as root (as CI and Gradescope do), student code runs as
``minikeras-student`` in a private mount namespace. Without root the grader keeps the
process boundary but says loudly that it cannot switch user; the cases that need a
separate user are skipped then, with that reason.
"""

import json
import os
import textwrap
from pathlib import Path

import pytest

from minikeras.autograde import sandbox
from minikeras.autograde.grade import grade, tree_digest
from tests.autograde.trees import REPO, write


ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="only a root grader can run student code as another user")

STUBS = {
    "ch01_basics/arith.py": '''
        def add(a, b):
            """Return a + b."""
            raise NotImplementedError("add")
        ''',
    "ch01_basics/vec.py": '''
        def scale(x, k):
            """Return the float32 array x * k."""
            raise NotImplementedError("scale")


        def relu(x):
            """max(x, 0) elementwise, written with numpy (not minikeras)."""
            raise NotImplementedError("relu")
        ''',
}

SOLUTIONS = {
    "ch01_basics/arith.py": '''
        def add(a, b):
            """Return a + b."""
            total = a + b
            return total
        ''',
    "ch01_basics/vec.py": '''
        import numpy as np


        def scale(x, k):
            """Return the float32 array x * k."""
            return (np.asarray(x) * k).astype(np.float32)


        def relu(x):
            """max(x, 0) elementwise, written with numpy (not minikeras)."""
            return np.maximum(np.asarray(x), 0)
        ''',
}

TESTS = {
    "ch01_basics/tests/test_ch01_arith.py": '''
        import pytest

        from arith import add


        @pytest.mark.exercise("ch01.add", points=2)
        def test_add():
            assert add(1, 2) == 3
            assert add(-1, -2) == -3
        ''',
    "ch01_basics/hidden/test_ch01_arith_hidden.py": '''
        import pytest

        from arith import add

        SECRET_EXPECTED = 4242  # the hidden test's text must never reach the student


        @pytest.mark.exercise("ch01.add", points=1)
        def test_add_hidden():
            assert add(4000, 242) == SECRET_EXPECTED
        ''',
    "ch01_basics/tests/test_ch01_vec.py": '''
        import math

        import numpy as np
        import pytest

        import minikeras
        from vec import relu, scale


        @pytest.mark.exercise("ch01.scale", points=2)
        def test_scale():
            x = np.arange(6, dtype=np.float32).reshape(2, 3)
            y = scale(x, 3)
            assert y.shape == (2, 3) and y.dtype == np.float32
            np.testing.assert_allclose(y, x * 3)
            assert np.allclose(y, x * 3) and math.isclose(float(y[1, 2]), 15.0)


        @pytest.mark.exercise("ch01.relu", points=2, forbid=["minikeras.ops.activations.relu"])
        def test_relu_matches_minikeras():
            x = np.linspace(-2, 2, 9).astype(np.float32)
            np.testing.assert_allclose(relu(x), np.asarray(minikeras.activations.relu(x)))
        ''',
}

SECRET_ENV = "MINIKERAS_TEST_GRADER_SECRET"
SECRET_VALUE = "grader-only-3f9a1c"


class CourseTree:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.exercises = tmp_path / "exercises"
        write(self.exercises, {**STUBS, **TESTS})
        write(self.exercises / "solutions", SOLUTIONS)
        (self.exercises / "conftest.py").write_text((REPO / "exercises" / "conftest.py").read_text())
        self.results = tmp_path / "results" / "results.json"

    def submission(self, files):
        root = self.tmp / "submission"
        write(root, {rel: text for rel, text in STUBS.items()})
        write(root, files)
        return root


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET_VALUE)
    return CourseTree(tmp_path)


def student_processes(data):
    """Processes left of the account the grader used (it names it in its report)."""
    uid = data.get("extra_data", {}).get("student_uid")
    return sandbox.processes_of(uid) if uid is not None else []


def grade_trick(course, files, exercise):
    """Grade ``files`` on one exercise; check the invariants every case shares."""
    before = tree_digest(course.exercises)
    submission = course.submission(files)
    out = []
    data = grade(submission, course.exercises, course.results, only=(exercise,), warmup=False,
                 out=type("Out", (), {"write": lambda self, s: out.append(s), "flush": lambda self: None})())
    assert tree_digest(course.exercises) == before, "the exercise tree changed"
    assert json.loads(course.results.read_text()) == data, "results.json is not what the grader wrote"
    assert not student_processes(data), "a process of the student's survived the grading"
    results, printed = json.dumps(data), "".join(out)  # what students see; what the instructor sees
    assert SECRET_VALUE not in results + printed, "the grader's environment reached the output"
    assert "SECRET_EXPECTED" not in results and "4242" not in results, "a hidden test's text reached results.json"
    entries = [e for e in data["tests"] if e["name"].startswith(exercise)]
    return sum(e["score"] for e in entries), "\n".join(e["output"] for e in entries)


def test_the_course_itself_gives_full_marks_and_zero(course):
    """The honest baselines the tricks are measured against."""
    data = grade(course.exercises / "solutions", course.exercises, course.results, warmup=False)
    assert data["score"] == 7
    data = grade(course.exercises, course.exercises, course.results, warmup=False)
    assert data["score"] == 0


# Each case: (trick name, files of the submission, exercise graded, text the reason must show or None)
CASES = [
    # ---- patching the test machinery
    ("pytest_runtest_patched", {"ch01_basics/arith.py": '''
        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None
        def add(a, b):
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("pytest_hooks_patched", {"ch01_basics/arith.py": '''
        import _pytest.runner, _pytest.reports
        _pytest.runner.call_and_report = lambda *a, **k: None
        _pytest.reports.TestReport.passed = property(lambda self: True)
        def add(a, b):
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("numpy_testing_patched", {"ch01_basics/vec.py": '''
        import math
        import numpy as np
        np.testing.assert_allclose = lambda *a, **k: None
        np.allclose = lambda *a, **k: True
        math.isclose = lambda *a, **k: True
        def scale(x, k):
            return np.zeros((2, 3), np.float32)
        def relu(x):
            raise NotImplementedError
        '''}, "ch01.scale", None),
    ("builtins_patched", {"ch01_basics/arith.py": '''
        import builtins
        builtins.AssertionError = type("Nothing", (Exception,), {})
        builtins.isinstance = lambda *a: True
        def add(a, b):
            return 0
        '''}, "ch01.add", None),
    ("minikeras_reference_rewritten", {"ch01_basics/vec.py": '''
        import minikeras, minikeras.ops.activations as acts
        import numpy as np
        fake = lambda x: np.zeros_like(np.asarray(x))
        minikeras.activations.relu = acts.relu = fake
        def scale(x, k):
            raise NotImplementedError
        def relu(x):
            return np.zeros_like(np.asarray(x))
        '''}, "ch01.relu", None),
    ("shadowing_numpy_folder", {
        "ch01_basics/numpy/__init__.py": "testing = None\nallclose = lambda *a, **k: True\n",
        "numpy/__init__.py": "allclose = lambda *a, **k: True\n",
        "hypothesis/__init__.py": "given = lambda *a, **k: (lambda f: f)\n",
        "ch01_basics/vec.py": '''
        import numpy as np
        def scale(x, k):
            return np.zeros((2, 3), np.float32)
        def relu(x):
            raise NotImplementedError
        '''}, "ch01.scale", None),
    ("planted_sys_modules", {"ch01_basics/arith.py": '''
        import sys, types
        fake = types.ModuleType("test_ch01_arith")
        fake.test_add = lambda: None
        sys.modules["test_ch01_arith"] = sys.modules["tests.test_ch01_arith"] = fake
        sys.modules["pytest"] = types.ModuleType("pytest")
        def add(a, b):
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("conftest_in_submission", {
        "conftest.py": "import pytest\n@pytest.hookimpl(tryfirst=True)\ndef pytest_runtest_call(item):\n    return True\n",
        "ch01_basics/conftest.py": "def pytest_collection_modifyitems(items):\n    items.clear()\n",
        "ch01_basics/tests/conftest.py": "import pytest\n@pytest.fixture(autouse=True)\ndef skip():\n    pytest.skip()\n",
    }, "ch01.add", None),
    ("pth_and_sitecustomize", {
        "evil.pth": "import builtins; builtins.__dict__['add'] = lambda a, b: a + b\n",
        "sitecustomize.py": "import _pytest.python\n_pytest.python.Function.runtest = lambda self: None\n",
        "usercustomize.py": "import _pytest.python\n_pytest.python.Function.runtest = lambda self: None\n",
    }, "ch01.add", None),
    ("plugin_entry_point", {
        "evilplugin.py": "def pytest_runtest_call(item):\n    return True\n",
        "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
        "evil-1.0.dist-info/entry_points.txt": "[pytest11]\nevil = evilplugin\n",
    }, "ch01.add", None),
    # ---- values that lie
    ("always_equal_object", {"ch01_basics/arith.py": '''
        class Yes(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__
        class Anything:
            def __eq__(self, other): return True
            def __bool__(self): return True
        def add(a, b):
            return Anything() if a > 0 else Yes(0)
        '''}, "ch01.add", "where the test expects plain data"),
    ("ndarray_subclass_with_fake_comparisons", {"ch01_basics/vec.py": '''
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(other), bool)
            def __array_ufunc__(self, *a, **k): return np.zeros(6, np.float32).reshape(2, 3)
        def scale(x, k):
            return np.zeros((2, 3), np.float32).view(Liar)
        def relu(x):
            raise NotImplementedError
        '''}, "ch01.scale", None),
    ("fake_shape_and_dtype", {"ch01_basics/vec.py": '''
        import numpy as np
        class Fake:
            shape = (2, 3)
            dtype = np.float32
            def __array__(self, dtype=None, copy=None): return np.zeros((2, 3), np.float32)
            def __eq__(self, other): return True
        def scale(x, k):
            return Fake()
        def relu(x):
            raise NotImplementedError
        '''}, "ch01.scale", "where the test expects plain data"),
    ("expected_value_from_the_callers_frame", {"ch01_basics/arith.py": '''
        import sys, inspect
        def add(a, b):
            for frame in inspect.stack():
                for value in frame.frame.f_locals.values():
                    if isinstance(value, int) and value not in (a, b):
                        return value
            return sys._getframe(1).f_locals.get("expected", 0)
        '''}, "ch01.add", None),
    ("calls_the_library_implementation", {"ch01_basics/vec.py": '''
        from minikeras.ops.activations import relu as library_relu
        import numpy as np
        def scale(x, k):
            raise NotImplementedError
        def relu(x):
            return np.asarray(library_relu(x))
        '''}, "ch01.relu", "submission tried to use minikeras.ops.activations.relu"),
    ("calls_the_library_through_getattr", {"ch01_basics/vec.py": '''
        import importlib
        import numpy as np
        def scale(x, k):
            raise NotImplementedError
        def relu(x):
            module = importlib.import_module("minikeras" + ".activations")
            return np.asarray(getattr(module, "re" + "lu")(x))
        '''}, "ch01.relu", "submission tried to call minikeras.ops.activations.relu"),
    # ---- forging outcomes
    ("writes_the_events_files", {"ch01_basics/arith.py": '''
        import glob, json
        def add(a, b):
            for pattern in ("/var/tmp/minikeras-grade-*/private/events*.jsonl", "/tmp/minikeras-grade-*/events*.jsonl",
                            "/var/tmp/minikeras-grade-*/**/*.jsonl"):
                for path in glob.glob(pattern, recursive=True):
                    try:
                        with open(path, "a") as f:
                            f.write(json.dumps({"event": "result", "nodeid": "x", "outcome": "passed"}) + "\\n")
                    except OSError:
                        pass
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("thread_writes_after_the_test", {"ch01_basics/arith.py": '''
        import threading, time, os, glob
        def later():
            time.sleep(0.5)
            for path in glob.glob("/var/tmp/minikeras-grade-*/**/*", recursive=True):
                try:
                    open(path, "a").write("forged")
                except OSError:
                    pass
        threading.Thread(target=later, daemon=False).start()
        def add(a, b):
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("detached_double_fork_daemon", {"ch01_basics/arith.py": '''
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(600)
            os._exit(0)
        def add(a, b):
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("rewrites_results_json", {"ch01_basics/arith.py": '''
        import json, glob
        FORGED = {"score": 1000, "tests": []}
        def add(a, b):
            for path in [RESULTS] + glob.glob("/autograder/results/results.json"):
                try:
                    with open(path, "w") as f:
                        json.dump(FORGED, f)
                except OSError:
                    pass
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("kills_the_grader", {"ch01_basics/arith.py": '''
        import os, signal
        def add(a, b):
            for pid in (os.getppid(), 1, -1):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            return 0
        '''}, "ch01.add", None),
    # ---- reading what is secret
    ("reads_hidden_tests", {"ch01_basics/arith.py": '''
        import glob
        def add(a, b):
            texts = []
            for pattern in (HIDDEN, "/var/tmp/minikeras-grade-*/private/tree/*/hidden/*.py"):
                for path in glob.glob(pattern):
                    try:
                        texts.append(open(path).read())
                    except OSError:
                        pass
            print("".join(texts))
            raise ValueError("".join(texts)[:3000] or "nothing to read")
        '''}, "ch01.add", None),
    ("reads_solutions", {"ch01_basics/arith.py": '''
        import glob
        def add(a, b):
            for path in glob.glob(SOLUTIONS + "/*/arith.py"):
                try:
                    namespace = {}
                    exec(open(path).read(), namespace)
                    return namespace["add"](a, b)
                except OSError:
                    pass
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("reads_the_graders_environment", {"ch01_basics/arith.py": '''
        import os
        def add(a, b):
            try:
                environ = open("/proc/%d/environ" % os.getppid(), "rb").read().decode(errors="replace")
            except OSError:
                environ = ""
            raise ValueError(str(dict(os.environ)) + environ)
        '''}, "ch01.add", None),
    # ---- tampering that outlives one test
    ("edits_the_test_files", {"ch01_basics/arith.py": '''
        import glob
        def add(a, b):
            for pattern in (TESTS + "/*/tests/*.py", TESTS + "/*/hidden/*.py", TESTS + "/conftest.py",
                            "/var/tmp/minikeras-grade-*/private/tree/**/*.py"):
                for path in glob.glob(pattern, recursive=True):
                    try:
                        open(path, "w").write("def test_nothing():\\n    pass\\n")
                    except OSError:
                        pass
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("plants_files_for_later_runs", {"ch01_basics/arith.py": '''
        import os, sys, site
        def add(a, b):
            folders = set(sys.path) | {os.getcwd(), "/tmp", "/var/tmp", TESTS} | set(site.getsitepackages())
            for folder in folders:
                for name in ("conftest.py", "pytest.ini", "sitecustomize.py", "zz_evil.pth"):
                    try:
                        with open(os.path.join(folder, name), "w") as f:
                            f.write("import os; os.environ['PWNED'] = '1'\\n")
                    except OSError:
                        pass
            raise NotImplementedError
        '''}, "ch01.add", None),
    ("leaves_processes_behind", {"ch01_basics/arith.py": '''
        import subprocess
        subprocess.Popen(["sleep", "600"], start_new_session=True)
        def add(a, b):
            subprocess.Popen(["sh", "-c", "sleep 600 & sleep 600"], start_new_session=True)
            raise NotImplementedError
        '''}, "ch01.add", None),
    # ---- the old protections
    ("system_exit_and_friends", {"ch01_basics/arith.py": '''
        import sys
        class Escape(BaseException):
            pass
        calls = []
        def add(a, b):
            calls.append(1)
            raise [SystemExit(0), KeyboardInterrupt(), Escape()][len(calls) % 3]
        '''}, "ch01.add", None),
]


@needs_root
@pytest.mark.parametrize("name, files, exercise, reason", CASES, ids=[c[0] for c in CASES])
def test_trick_earns_nothing(course, name, files, exercise, reason):
    constants = {"RESULTS": str(course.results), "HIDDEN": str(course.exercises / "*" / "hidden" / "*.py"),
                 "SOLUTIONS": str(course.exercises / "solutions"), "TESTS": str(course.exercises)}
    prefix = "".join(f"{key} = {value!r}\n" for key, value in constants.items())
    files = {rel: (prefix + textwrap.dedent(text).lstrip()) if rel.endswith(".py") else text
             for rel, text in files.items()}
    score, output = grade_trick(course, files, exercise)
    assert score == 0, f"{name} earned {score}:\n{output}"
    if reason:
        assert reason in output, output
    planted = [Path(p) / n for p in (REPO, Path.cwd()) for n in ("conftest.py", "pytest.ini", "zz_evil.pth")]
    assert not any(p.exists() and p.read_text().startswith("import os; os.environ['PWNED']") for p in planted)
    assert "PWNED" not in os.environ


@needs_root
def test_an_honest_file_beside_a_trick_still_earns_its_points(course):
    """The boundary costs honest work nothing: a correct add() in a file that also tries
    to patch pytest earns add's full points, and the patch no more."""
    score, _ = grade_trick(course, {"ch01_basics/arith.py": '''
        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None
        def add(a, b):
            return a + b
        '''}, "ch01.add")
    assert score == 3
