import io
import json
import os
import shutil
from pathlib import Path

import pytest

from minikeras.autograde.grade import grade
from minikeras.autograde.release import MARK, layout_problems, main, make_release, verify_release


def release(tree, out=None, *extra):
    out = out or tree.tmp / "release"
    return main([str(out), "--exercises", str(tree.exercises), *extra]), out


def test_release_has_stubs_and_public_tests_only(tree):
    code, out = release(tree)
    assert code == 0
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert files == {
        "conftest.py", "README.md", MARK, "student_files.json",
        "ch01_basics/arith.py", "ch01_basics/text.py",
        "ch01_basics/tests/test_ch01_arith.py", "ch01_basics/tests/test_ch01_text.py",
    }
    assert (out / "ch01_basics" / "arith.py").read_text() == (tree.exercises / "ch01_basics" / "arith.py").read_text()
    assert json.loads((out / "student_files.json").read_text()) == ["arith", "text"]  # for self-grading
    assert verify_release(out, tree.exercises) == []


def test_release_carries_the_readmes_in_both_languages(tree):
    (tree.exercises / "STUDENT_README.zh.md").write_text("# 练习\n")
    (tree.exercises / "ch01_basics" / "README.md").write_text("# Chapter 1\n")
    (tree.exercises / "ch01_basics" / "README.zh.md").write_text("# 第 1 章\n")
    code, out = release(tree)
    assert code == 0
    assert (out / "README.md").read_text() == "# Exercises\n"
    assert (out / "README.zh.md").read_text() == "# 练习\n"
    assert not (out / "STUDENT_README.md").exists() and not (out / "STUDENT_README.zh.md").exists()
    assert (out / "ch01_basics" / "README.md").read_text() == "# Chapter 1\n"
    assert (out / "ch01_basics" / "README.zh.md").read_text() == "# 第 1 章\n"
    assert verify_release(out, tree.exercises) == []


def test_grading_a_fresh_release_gives_zero_without_hidden_tests_leaking(tree):
    _, out = release(tree)
    data = grade(out, out, out=io.StringIO(), warmup=False)  # a student self-grading
    assert data["score"] == 0
    assert all("hidden" not in e["name"] for e in data["tests"])


def test_solution_body_in_a_stub_is_caught_and_the_release_deleted(tree, capsys):
    stub = tree.exercises / "ch01_basics" / "arith.py"
    stub.write_text(stub.read_text() + "\n\ndef helper(x, y):\n    total = x + y  # spelled differently\n"
                    "    return total\n\n\ndef _ref(a, b):\n    total = a + b\n    return total\n")
    code, out = release(tree)
    assert code == 1 and not out.exists()
    assert "contains the body of add()" in capsys.readouterr().err


def test_solution_code_in_a_public_test_or_readme_is_caught(tree):
    test = tree.exercises / "ch01_basics" / "tests" / "test_ch01_text.py"
    test.write_text(test.read_text() + "\n\ndef expected(s):\n    return s.upper() + '!'\n")
    readme = tree.exercises / "ch01_basics" / "README.md"
    readme.write_text("Hint:\n\n```python\nproduct = a * b\nreturn product\n```\n")
    out = tree.tmp / "release"
    make_release(tree.exercises, out)
    problems = verify_release(out, tree.exercises)
    assert any("test_ch01_text.py contains the body of shout()" in p for p in problems)
    assert any("README.md contains the body of mul()" in p for p in problems)


def test_copied_solution_file_and_hidden_folder_are_caught(tree):
    out = tree.tmp / "release"
    make_release(tree.exercises, out)
    shutil.copy(tree.solutions / "ch01_basics" / "text.py", out / "ch01_basics" / "answers.py")
    (out / "ch01_basics" / "hidden").mkdir()
    problems = verify_release(out, tree.exercises)
    assert any("answers.py is a copy of" in p for p in problems)
    assert any("should not be released" in p for p in problems)


def test_provided_code_and_trivial_bodies_are_not_leaks(tree):
    for root in (tree.exercises, tree.solutions):
        path = root / "ch01_basics" / "text.py"
        path.write_text(path.read_text() + "\n\ndef helper(s):\n    cleaned = s.strip().lower()\n"
                        "    return cleaned\n\n\ndef ident(s):\n    return s\n")
    (tree.exercises / "ch01_basics" / "README.md").write_text("`return s` is not a solution\n")
    assert release(tree)[0] == 0


def test_layout_problems(tree):
    assert layout_problems(tree.exercises) == []
    (tree.solutions / "ch01_basics" / "orphan.py").write_text("x = 1\n")
    (tree.exercises / "ch02_more" / "tests").mkdir(parents=True)
    (tree.exercises / "ch02_more" / "arith.py").write_text("")
    (tree.exercises / "ch02_more" / "tests" / "test_ch01_text.py").write_text("")
    problems = "\n".join(layout_problems(tree.exercises))
    assert "orphan.py: no stub" in problems
    assert "student module name arith.py is used twice" in problems
    assert "test file name test_ch01_text.py is used twice" in problems
    assert release(tree)[0] == 1


def test_out_dir_must_be_empty_or_an_earlier_release(tree):
    other = tree.tmp / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    assert release(tree, other)[0] == 2
    assert release(tree, other, "--force")[0] == 2 and (other / "keep.txt").exists()
    code, out = release(tree)
    assert code == 0
    assert release(tree, out)[0] == 2
    assert release(tree, out, "--force")[0] == 0
    with pytest.raises(ValueError):
        make_release(tree.exercises, tree.exercises / "release")


def test_real_exercise_tree_releases_cleanly(tmp_path, repo):
    exercises = repo / "exercises"
    assert layout_problems(exercises) == []
    out = tmp_path / "release"
    assert main([str(out), "--exercises", str(exercises)]) == 0
    assert not list(out.rglob("hidden")) and not list(out.rglob("solutions"))
    assert (out / "ch00_warmup" / "activations.py").is_file()
    assert (out / "README.md").read_text() == (exercises / "STUDENT_README.md").read_text()
    assert (out / "README.zh.md").read_text() == (exercises / "STUDENT_README.zh.md").read_text()
    chapters = sorted(p.name for p in exercises.glob("ch*") if p.is_dir())
    assert len(chapters) >= 19
    for chapter in chapters:
        for readme in ("README.md", "README.zh.md"):
            assert (out / chapter / readme).read_text() == (exercises / chapter / readme).read_text()
    assert verify_release(out, exercises) == []


# --------------------------------------------------------------------------- Gradescope, GitHub Classroom

def _venv_with_our_dependencies(folder):
    """A new virtual environment that sees this environment's packages (numpy, numba, ...)
    through a .pth file, so installing the wheel into it downloads nothing."""
    import site
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (Path(purelib) / "zz_minikeras_test_deps.pth").write_text("\n".join(ours) + "\n")
    return python


@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs setup.sh and run_autograder as root")
def test_gradescope_zip_sets_up_and_grades_in_an_autograder_tree(tree, tmp_path, monkeypatch):
    """Unpack autograder.zip into an /autograder-like tree and run both scripts for real."""
    import json
    import subprocess
    import zipfile

    zip_path = tmp_path / "autograder.zip"
    assert main([f"--gradescope={zip_path}", "--exercises", str(tree.exercises)]) == 0
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)
        assert any(n.startswith("minikeras-") and n.endswith(".whl") for n in names)
        assert not [n for n in names if "solutions" in n], "solutions must never ship"
        assert "exercises/ch01_basics/hidden/test_ch01_arith_hidden.py" in names
        assert "exercises/student_files.json" in names
        with zipfile.ZipFile(archive.open([n for n in names if n.endswith(".whl")][0])) as wheel:
            assert not [n for n in wheel.namelist() if "exercises" in n or "solutions" in n]
        root = tmp_path / "autograder"
        archive.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    shutil.copytree(tree.solutions, root / "submission")
    python = _venv_with_our_dependencies(tmp_path / "venv")
    env = dict(os.environ, AUTOGRADER=str(root), PYTHON=str(python),
               MINIKERAS_GRADER_CACHE=str(tmp_path / "grader-cache"))
    env.pop("PYTHONPATH", None)
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "kernels compiled" in setup.stdout
    assert not (root / "source" / "setup.sh").stat().st_mode & 0o077, "tests must be private to root"
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == tree.full_marks
    assert "student code ran as minikeras-student" in run.stdout
    installed = subprocess.run([str(python), "-c", "import minikeras, pathlib; "
                                "print(pathlib.Path(minikeras.__file__).parent.parent)"],
                               env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
    assert "site-packages" in installed and not (Path(installed) / "exercises").exists()


def test_github_classroom_repository(tree, tmp_path):
    """The student repository: release, wheel, workflow and autograding.json, one scored step
    per exercise; the step's command passes for the solutions and fails for the stubs."""
    import json
    import subprocess
    import sys

    out = tmp_path / "classroom"
    assert main([f"--github-classroom={out}", "--exercises", str(tree.exercises)]) == 0
    workflow = (out / ".github" / "workflows" / "classroom.yml").read_text()
    autograding = json.loads((out / ".github" / "classroom" / "autograding.json").read_text())
    names = [t["name"] for t in autograding["tests"]]
    assert names == ["ch01.add", "ch01.mul", "ch01.shout"]
    assert [t["points"] for t in autograding["tests"]] == [3, 3, 2]  # public points only
    for name in names:
        assert f"--exercise {name}" in workflow
    assert "autograding-grading-reporter" in workflow and list(out.glob("minikeras-*.whl"))
    assert not (out / "ch01_basics" / "hidden").exists()
    command = autograding["tests"][0]["run"].split()
    stub = subprocess.run([sys.executable, *command[1:]], cwd=out, capture_output=True, text=True)
    assert stub.returncode != 0
    shutil.copy(tree.solutions / "ch01_basics" / "arith.py", out / "ch01_basics" / "arith.py")
    solved = subprocess.run([sys.executable, *command[1:]], cwd=out, capture_output=True, text=True)
    assert solved.returncode == 0, solved.stdout
