"""minikeras-grade: grade a submission against the exercise tests.

    minikeras-grade SUBMISSION_DIR [--results results.json] [--exercises DIR]

1. Collect the tests (``ch*/tests`` and hidden ``ch*/hidden``) of the exercises
   directory in a subprocess, against the stubs beside them (which always
   import), to learn each test's exercise, points, visibility and time limit.
2. Run each exercise's tests in a fresh ``python -m pytest`` subprocess with
   ``MINIKERAS_SUBMISSION=SUBMISSION_DIR:EXERCISES_DIR`` (the submission first,
   the stubs as a fallback for files it lacks). The plugin reports each test's
   start and result as a JSON line. A test running longer than its limit gets
   its process group killed and scores 0, and the rest of the exercise runs in
   a new subprocess; a crash (segfault, ``os._exit``) is handled the same way.
   Imports, collection and the numba warm-up happen before the first test
   starts, so they count against ``--startup-timeout``, not the test limit.
3. Print a table per exercise and write Gradescope's results.json.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from minikeras.autograde.plugin import truncate

DEFAULT_TIMEOUT = 30.0  # seconds per test; generous enough for numba compiling student kernels
STARTUP_TIMEOUT = 120.0  # seconds for start-up, imports, collection and warm-up (each phase)
FILE_SIZE_LIMIT = 64 * 2**20  # bytes any one file written by the tests may reach
OUTPUT_LIMIT = 4000  # characters per Gradescope test output
POLL_SECONDS = 0.05
PACKAGE_PARENT = Path(__file__).resolve().parents[2]
DEFAULT_EXERCISES = PACKAGE_PARENT / "exercises"


class GradingError(Exception):
    """A problem with the exercise tree or the grader itself, not the submission."""


@dataclass
class GradedTest:
    nodeid: str
    exercise: str
    points: float
    visibility: str
    timeout: float | None = None
    outcome: str = "not run"  # passed | failed | skipped | not run
    message: str = ""
    output: str = ""

    @property
    def earned(self):
        return self.points if self.outcome == "passed" else 0.0

    @property
    def file(self):
        return self.nodeid.split("::")[0]

    @property
    def name(self):
        return self.nodeid.split("::", 1)[-1]


@dataclass
class Run:
    events: list
    returncode: int
    killed: bool  # we killed it for exceeding a time limit
    running: str | None  # node id of a test that started but never reported a result
    log: str  # tail of pytest's own terminal output


def fmt(x):
    return f"{round(x, 2):g}"


def describe_exit(returncode):
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows) or already gone
        proc.kill()
    proc.wait()


def read_tail(path, nbytes=8000):
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - nbytes))
        return f.read().decode(errors="replace")


class Grader:
    def __init__(self, exercises, submission, *, timeout=DEFAULT_TIMEOUT,
                 startup_timeout=STARTUP_TIMEOUT, warmup=True, workdir):
        self.exercises = Path(exercises).resolve()
        self.submission = Path(submission).resolve()
        self.timeout, self.startup_timeout, self.warmup = timeout, startup_timeout, warmup
        self.work = Path(workdir)
        self.runs = 0
        self.lock = threading.Lock()  # exercises may be graded in parallel threads
        self.notes = []  # problems for the instructor (printed, not in results.json)
        (self.work / "pytest.ini").write_text("[pytest]\naddopts =\n")
        env = dict(os.environ, PYTHONHASHSEED="0")
        env.pop("PYTEST_ADDOPTS", None)
        if PACKAGE_PARENT.name not in ("site-packages", "dist-packages"):
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
        self.env = env

    def run_pytest(self, args, roots, select=None, limits=None):
        """Run pytest on ``args`` in a subprocess, watching its events and time limits.

        ``roots`` become MINIKERAS_SUBMISSION; ``select`` lists the node ids to run.
        """
        with self.lock:
            self.runs += 1
            number = self.runs
        events_path = self.work / f"events{number}.jsonl"
        log_path = self.work / f"pytest{number}.log"
        events_path.touch()
        if select is not None:
            (self.work / f"select{number}.json").write_text(json.dumps(select))
            args = ["--mk-select", str(self.work / f"select{number}.json"), *args]
        cmd = [sys.executable, "-m", "pytest", "-c", str(self.work / "pytest.ini"),
               "--rootdir", str(self.exercises), "--confcutdir", str(self.exercises),
               "-p", "minikeras.autograde.plugin", "-p", "no:cacheprovider",
               "--import-mode=importlib", "--continue-on-collection-errors",
               "-q", "--tb=short", "--show-capture=no", "-W", "ignore::pytest.PytestAssertRewriteWarning",
               "--mk-events", str(events_path), "--mk-file-size-limit", str(FILE_SIZE_LIMIT), *args]
        env = dict(self.env, MINIKERAS_SUBMISSION=os.pathsep.join(map(str, roots)))
        events, running, killed, buffer = [], None, False, ""
        with open(log_path, "wb") as log, open(events_path, encoding="utf-8") as reader:
            proc = subprocess.Popen(cmd, cwd=self.work, env=env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            last_event = time.monotonic()
            while True:
                finished = proc.poll() is not None
                buffer += reader.read()
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    events.append(event)
                    last_event = time.monotonic()
                    if event["event"] == "start":
                        running = event["nodeid"]
                    elif event["event"] == "result":
                        running = None
                if finished:
                    break
                if running:
                    limit = (limits or {}).get(running) or self.timeout
                else:
                    limit = self.startup_timeout
                if time.monotonic() - last_event > limit:
                    kill_group(proc)
                    killed = True
                    break
                time.sleep(POLL_SECONDS)
        return Run(events, proc.returncode, killed, running, read_tail(log_path))

    def test_paths(self, public_only):
        kinds = ["tests"] if public_only else ["tests", "hidden"]
        return [str(d) for ch in sorted(self.exercises.glob("ch*")) for kind in kinds
                if (d := ch / kind).is_dir()]

    def collect(self, public_only=False, only=()):
        """The tests of the exercise tree, collected against its own stubs."""
        paths = self.test_paths(public_only)
        if not paths:
            raise GradingError(f"no ch*/tests directories in {self.exercises}")
        args = ["--collect-only", *[f"--exercise={x}" for x in only], *paths]
        run = self.run_pytest(args, roots=[self.exercises])
        for event in run.events:
            if event["event"] == "collect_error":
                self.notes.append(f"Could not collect {event['nodeid']} with the stubs "
                                  f"(its tests are not graded): {event['message']}")
        collected = [e for e in run.events if e["event"] == "collected"]
        if not collected:
            raise GradingError(f"collecting tests failed ({describe_exit(run.returncode)}):\n{run.log}")
        return [GradedTest(**info) for info in collected[0]["tests"]]

    def grade_exercise(self, tests):
        """Run one exercise's tests, restarting after a test that hangs or crashes."""
        by_id = {t.nodeid: t for t in tests}
        pending = list(tests)
        while pending:
            files = list(dict.fromkeys(str(self.exercises / t.file) for t in pending))
            run = self.run_pytest([*(["--mk-warmup"] if self.warmup else []), *files],
                                  roots=[self.submission, self.exercises],
                                  select=[t.nodeid for t in pending],
                                  limits={t.nodeid: t.timeout for t in pending})
            done, import_errors = set(), {}
            for event in run.events:
                if event["event"] == "result" and event["nodeid"] in by_id:
                    test = by_id[event["nodeid"]]
                    test.outcome, test.message, test.output = event["outcome"], event["message"], event["output"]
                    done.add(test.nodeid)
                elif event["event"] == "collect_error":
                    import_errors[event["nodeid"]] = event
                elif event["event"] == "warmup" and event["status"] != "ok":
                    note = f"numba warm-up: {event['status']}"
                    with self.lock:
                        self.notes += [note] if note not in self.notes else []
            culprit = by_id.get(run.running)
            if culprit is not None:  # hung or crashed: score it 0, run the rest again
                culprit.outcome = "failed"
                if run.killed:
                    culprit.message = f"time limit exceeded ({culprit.timeout or self.timeout:g} s)"
                else:
                    culprit.message = f"the test process crashed ({describe_exit(run.returncode)})"
                culprit.output = culprit.message
                pending = [t for t in pending if t.nodeid not in done and t is not culprit]
                continue
            for test in pending:
                if test.nodeid in done:
                    continue
                test.outcome = "failed"
                if test.file in import_errors:
                    error = import_errors[test.file]
                    test.message = f"import failed: {error['message']}"
                    test.output = error["output"]
                elif run.killed:
                    test.message = (f"time limit exceeded before the tests started ({self.startup_timeout:g} s): "
                                    "does your module run slow code when imported?")
                    test.output = test.message
                else:  # the log may show hidden tests: keep it for the instructor's stdout
                    test.message = test.output = f"not run: pytest stopped ({describe_exit(run.returncode)})"
                    with self.lock:
                        self.notes.append(f"{test.nodeid}: {test.message}; end of pytest's log:\n{run.log}")
            break


def by_exercise(tests):
    groups = {}
    for test in tests:
        groups.setdefault(test.exercise, []).append(test)
    return groups


def table(tests):
    rows = [("exercise", "points", "tests", "first failure")]
    for exercise, group in by_exercise(tests).items():
        failed = [t for t in group if t.outcome != "passed"]
        first = f"{failed[0].name}: {failed[0].message}" if failed else ""
        rows.append((exercise, f"{fmt(sum(t.earned for t in group))}/{fmt(sum(t.points for t in group))}",
                     f"{len(group) - len(failed)}/{len(group)}", first[:110]))
    rows.append(("TOTAL", f"{fmt(sum(t.earned for t in tests))}/{fmt(sum(t.points for t in tests))}",
                 f"{sum(t.outcome == 'passed' for t in tests)}/{len(tests)}", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(line.rstrip() for line in lines)


def format_output(tests, details):
    lines = [f"{t.outcome.upper():8}{t.name} ({fmt(t.earned)}/{fmt(t.points)})"
             + (f": {t.message}" if t.message else "") for t in tests]
    if details:  # tracebacks of the first few failures
        failed = [t for t in tests if t.outcome != "passed" and t.output]
        lines += [f"\n--- {t.name} ---\n{t.output}" for t in failed[:3]]
    return truncate("\n".join(lines), OUTPUT_LIMIT)


def results_json(tests, elapsed):
    """Gradescope's results.json: one entry per exercise and visibility."""
    entries, ordinal = [], {}
    for exercise, group in by_exercise(tests).items():
        chapter = exercise.split(".")[0]
        ordinal[chapter] = ordinal.get(chapter, 0) + 1
        match = re.match(r"ch(\d+)", chapter)
        number = f"{int(match[1]) if match else chapter}.{ordinal[chapter]}"
        for visibility in dict.fromkeys(t.visibility for t in group):
            part = [t for t in group if t.visibility == visibility]
            earned, possible = sum(t.earned for t in part), sum(t.points for t in part)
            entries.append({
                "name": exercise if visibility == "visible" else f"{exercise} (hidden tests)",
                "number": number,
                "score": round(earned, 2),
                "max_score": round(possible, 2),
                "status": "passed" if all(t.outcome == "passed" for t in part) else "failed",
                "output": format_output(part, details=visibility == "visible"),
                "visibility": visibility,
                "tags": [chapter],
            })
    output = [f"minikeras autograder: {len(entries)} results for {len(by_exercise(tests))} exercises."]
    if any(t.visibility != "visible" for t in tests):
        output.append("Results of hidden tests appear once grades are published.")
    return {
        "score": round(sum(t.earned for t in tests), 2),
        "execution_time": round(elapsed),
        "output": "\n".join(output),
        "visibility": "visible",
        "tests": entries,
    }


def grade(submission, exercises=DEFAULT_EXERCISES, results=None, *, timeout=DEFAULT_TIMEOUT,
          startup_timeout=STARTUP_TIMEOUT, public_only=False, only=(), warmup=True, jobs=1,
          out=None):
    """Grade ``submission``; print progress and a table to ``out``; return results.json as a dict."""
    start, out = time.monotonic(), out or sys.stdout
    for what, path in (("submission", submission), ("exercises", exercises)):
        if not Path(path).is_dir():
            raise GradingError(f"{what} directory not found: {path}")
    with tempfile.TemporaryDirectory(prefix="minikeras-grade-") as work:
        grader = Grader(exercises, submission, timeout=timeout, startup_timeout=startup_timeout,
                        warmup=warmup, workdir=work)
        tests = grader.collect(public_only, only)
        print(f"Grading {grader.submission} with {len(tests)} tests from {grader.exercises}", file=out)

        def grade_one(group):
            t0 = time.monotonic()
            grader.grade_exercise(group)
            return group, time.monotonic() - t0

        with ThreadPoolExecutor(max(1, jobs)) as pool:
            for group, seconds in pool.map(grade_one, by_exercise(tests).values()):
                print(f"  {group[0].exercise}: {fmt(sum(t.earned for t in group))}/"
                      f"{fmt(sum(t.points for t in group))} ({seconds:.1f} s)", file=out, flush=True)
    print("\n" + table(tests), file=out)
    for note in grader.notes:
        print(f"note: {note}", file=out)
    data = results_json(tests, time.monotonic() - start)
    if results:
        Path(results).parent.mkdir(parents=True, exist_ok=True)
        Path(results).write_text(json.dumps(data, indent=2) + "\n")
        print(f"wrote {results}", file=out)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minikeras-grade", description=__doc__.splitlines()[0])
    parser.add_argument("submission", help="directory to grade: a student release, or exercises/solutions")
    parser.add_argument("--results", help="write Gradescope's results.json here")
    parser.add_argument("--exercises", default=str(DEFAULT_EXERCISES),
                        help="exercise tree with the tests and stubs (default: %(default)s)")
    parser.add_argument("--exercise", action="append", default=[], metavar="ID",
                        help="grade only this exercise, or chapter (ch03); repeatable")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds per test, after imports and numba warm-up (default: %(default)s)")
    parser.add_argument("--startup-timeout", type=float, default=STARTUP_TIMEOUT,
                        help="seconds for start-up, collection and warm-up (default: %(default)s)")
    parser.add_argument("--public-only", action="store_true", help="skip the hidden tests")
    parser.add_argument("--no-warmup", action="store_true", help="skip the numba warm-up")
    parser.add_argument("--jobs", type=int, default=1,
                        help="exercises graded in parallel (timings get noisier; default: 1)")
    args = parser.parse_args(argv)
    try:
        grade(args.submission, args.exercises, args.results, timeout=args.timeout,
              startup_timeout=args.startup_timeout, public_only=args.public_only,
              only=args.exercise, warmup=not args.no_warmup, jobs=args.jobs)
    except GradingError as exc:
        print(f"minikeras-grade: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
