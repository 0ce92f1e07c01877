"""The whole exercise tree, graded as an instructor would: the reference solutions get full
marks, the student stubs get zero with every exercise reported, and the student release
holds no solution code. It grades ~80 exercises in subprocesses (minutes), so it runs when
MINIKERAS_GRADE_TREE=1 is set, as CI does."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(os.environ.get("MINIKERAS_GRADE_TREE") != "1",
                                reason="set MINIKERAS_GRADE_TREE=1 to grade the whole exercise tree")


def grade(submission, results):
    proc = subprocess.run([sys.executable, "-m", "minikeras.autograde.grade", str(submission),
                           "--results", str(results), "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=3000)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(Path(results).read_text()), proc.stdout


def exercise_ids():
    ids = set()
    for test_file in (ROOT / "exercises").glob("ch*/*/test_*.py"):
        text = test_file.read_text()
        ids.update(part.split('"')[1] for part in text.split("mark.exercise(")[1:])
    return ids


def test_solutions_get_full_marks(tmp_path):
    data, table = grade(ROOT / "exercises" / "solutions", tmp_path / "solutions.json")
    max_score = sum(t["max_score"] for t in data["tests"])
    assert max_score > 200
    failed = [t["name"] for t in data["tests"] if t["score"] < t["max_score"]]
    assert not failed and data["score"] == pytest.approx(max_score), table[-4000:]


def test_stubs_get_zero_and_every_exercise_is_reported(tmp_path):
    data, _ = grade(ROOT / "exercises", tmp_path / "stubs.json")
    assert data["score"] == 0
    reported = {t["name"].split()[0] for t in data["tests"]}
    missing = {e for e in exercise_ids() if not any(name.startswith(e) for name in reported)}
    assert not missing


def test_student_release_has_no_solutions(tmp_path):
    out = tmp_path / "release"
    proc = subprocess.run([sys.executable, "-m", "minikeras.autograde.release", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list(out.rglob("hidden")) and not (out / "solutions").exists()
    solution_texts = {p.read_text() for p in (ROOT / "exercises" / "solutions").rglob("*.py")}
    assert not any(p.read_text() in solution_texts for p in out.rglob("*.py"))
