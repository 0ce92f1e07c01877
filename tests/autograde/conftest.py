"""A small exercise tree in tmp_path for testing the grader and the release tool."""

import shutil

import pytest

from tests.autograde.trees import REPO, write

STUBS = {
    "ch01_basics/arith.py": '''
        def add(a, b):
            """Return a + b."""
            raise NotImplementedError("add")


        def mul(a, b):
            """Return a * b."""
            raise NotImplementedError("mul")
        ''',
    "ch01_basics/text.py": '''
        def shout(s):
            """Return s in capitals with an exclamation mark."""
            raise NotImplementedError("shout")
        ''',
}

SOLUTIONS = {
    "ch01_basics/arith.py": '''
        def add(a, b):
            """Return a + b."""
            total = a + b
            return total


        def mul(a, b):
            """Return a * b."""
            product = a * b
            return product
        ''',
    "ch01_basics/text.py": '''
        def shout(s):
            """Return s in capitals with an exclamation mark."""
            return s.upper() + "!"
        ''',
}

TESTS = {
    "ch01_basics/tests/test_ch01_arith.py": '''
        import pytest

        from arith import add, mul


        @pytest.mark.exercise("ch01.add", points=1)
        def test_add_small():
            assert add(1, 2) == 3


        @pytest.mark.exercise("ch01.add", points=2)
        def test_add_negative():
            assert add(-1, -2) == -3


        @pytest.mark.exercise("ch01.mul", points=3)  # 1 point per case
        @pytest.mark.parametrize("a, b, expected", [(2, 3, 6), (0, 5, 0), (-1, 4, -4)])
        def test_mul(a, b, expected):
            assert mul(a, b) == expected
        ''',
    "ch01_basics/tests/test_ch01_text.py": '''
        import pytest

        from text import shout


        @pytest.mark.exercise("ch01.shout", points=2)
        def test_shout():
            assert shout("hi") == "HI!"
        ''',
    "ch01_basics/hidden/test_ch01_arith_hidden.py": '''
        import pytest

        from arith import add, mul


        @pytest.mark.exercise("ch01.add", points=1)
        def test_add_large():
            assert add(10**6, 1) == 10**6 + 1


        @pytest.mark.exercise("ch01.mul", points=1, visibility="hidden")
        def test_mul_large():
            assert mul(10**3, 10**3) == 10**6
        ''',
}

FULL_MARKS = 10.0  # add 1 + 2 + 1 (hidden), mul 3 + 1 (hidden), shout 2


class Tree:
    """``exercises/`` (stubs, tests, solutions) plus helpers to make submissions."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.exercises = tmp_path / "exercises"
        write(self.exercises, {**STUBS, **TESTS})
        write(self.exercises / "solutions", SOLUTIONS)
        shutil.copy(REPO / "exercises" / "conftest.py", self.exercises / "conftest.py")
        (self.exercises / "STUDENT_README.md").write_text("# Exercises\n")
        self.solutions = self.exercises / "solutions"
        self.full_marks = FULL_MARKS
        self.repo = REPO

    def submission(self, name="submission", **files):
        """A copy of the solutions with some files replaced (``arith=...`` etc.)."""
        root = self.tmp / name
        shutil.copytree(self.solutions, root)
        write(root, {f"ch01_basics/{mod}.py": text for mod, text in files.items()})
        return root


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)


@pytest.fixture(scope="session")
def pycache(tmp_path_factory):
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture(autouse=True)
def cache_bytecode(pycache, monkeypatch):
    """Let the grader's subprocesses cache bytecode (and pytest's rewritten
    modules) in one place, even where PYTHONDONTWRITEBYTECODE is set."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(pycache))


@pytest.fixture
def repo():
    """The repository root (for the real exercises/ tree)."""
    return REPO
