"""minikeras-grade: grade a submission against the exercise tests.

    minikeras-grade SUBMISSION_DIR [--results results.json] [--exercises DIR]

1. Collect the tests (``ch*/tests`` and hidden ``ch*/hidden``) of the exercises
   directory in a subprocess, against the stubs beside them (which always
   import), to learn each test's exercise, points, visibility and time limit.
2. Run each exercise's tests in a fresh ``python -m pytest`` subprocess: the
   *trusted* side, which holds the tests, the expected values, the comparisons and
   the outcomes. Student code runs only in a *worker* process that this pytest
   process starts (``sandbox.py``, ``worker.py``): another user when the grader is
   root, a private mount namespace, a private empty directory; the submission's
   files first, the stubs as a fallback for files it lacks. Only plain data comes
   back (``wire.py``, ``remote.py``). The plugin reports each test's start and
   result as a JSON line into a file the worker cannot reach. A test running longer
   than its limit gets its process group killed and scores 0, and the rest of the
   exercise runs in a new subprocess; a crash is handled the same way. After each
   exercise every process of the student is killed.
3. Print a table per exercise and write Gradescope's results.json (atomically, at
   the very end: a grader that dies leaves no results file).

``exercises/README.md`` has the threat model: what is defended and how.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from minikeras.autograde import sandbox
from minikeras.autograde.plugin import truncate

DEFAULT_TIMEOUT = 30.0  # seconds per test; generous enough for numba compiling student kernels
STARTUP_TIMEOUT = 120.0  # seconds for start-up, imports, collection and warm-up (each phase)
FILE_SIZE_LIMIT = 64 * 2**20  # bytes any one file written by the tests may reach
WORKER_FILE_SIZE_LIMIT = 512 * 2**20  # in the worker: a VGG19 saved as .keras is ~600 MB
OUTPUT_LIMIT = 4000  # characters per Gradescope test output
POLL_SECONDS = 0.05
PACKAGE_PARENT = Path(__file__).resolve().parents[2]
DEFAULT_EXERCISES = PACKAGE_PARENT / "exercises"
INSTALLED = PACKAGE_PARENT.name in ("site-packages", "dist-packages")
SUBMISSION_LIMITS = (2000, 20 * 2**20)  # files, bytes copied from a submission
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".git")
STUDENT_FILES = "student_files.json"  # written by minikeras-release where solutions/ is absent


class GradingError(Exception):
    """A problem with the exercise tree or the grader itself, not the submission."""


@dataclass
class GradedTest:
    nodeid: str
    exercise: str
    points: float
    visibility: str
    timeout: float | None = None
    forbid: tuple = ()
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


def student_module_names(tree):
    """The modules students write: the files of ``solutions/`` (or, in a release that has
    none, the list the release tool wrote). Other ``.py`` files in a chapter folder are
    helpers the students get complete; they always come from the exercise tree."""
    solutions = tree / "solutions"
    if solutions.is_dir():
        return sorted({p.stem for p in solutions.glob("ch*/*.py")})
    listed = tree / STUDENT_FILES
    if listed.is_file():
        return sorted(json.loads(listed.read_text()))
    return sorted({p.stem for p in tree.glob("ch*/*.py") if not is_probe(p.stem)})


def is_probe(module):
    """``probes_ch13.py``: instructor code that must run beside the student's (it builds a
    model around a student function, say). It comes from the exercise tree like a helper,
    but runs in the worker like student code, so its results come back as data."""
    return module.startswith("probes_")


def tree_digest(folder):
    """One hash over every file's path and bytes (to show a tree was not touched)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Grader:
    """Grades one submission. Its folders (``base``, made private to the grader):

    * ``private/`` (only the grader): the copy of the exercise tree the tests run from,
      pytest's configuration, event logs, temporary files;
    * ``public/`` (readable by the student's user): ``submission/`` (a read-only copy of
      the submission), ``helpers/`` and ``stubs/`` (from the exercise tree), ``numba/`` (a
      copy of the compiled kernels, the student's own) and one empty ``work-N/`` folder per
      exercise run, owned by the student's user.
    """

    def __init__(self, exercises, submission, *, timeout=DEFAULT_TIMEOUT,
                 startup_timeout=STARTUP_TIMEOUT, warmup=True, workdir, jobs=1):
        self.exercises = Path(exercises).resolve()
        self.submission = Path(submission).resolve()
        self.timeout, self.startup_timeout, self.warmup = timeout, startup_timeout, warmup
        self.base = Path(workdir)
        self.runs = 0
        self.lock = threading.Lock()  # exercises may be graded in parallel threads
        self.notes = []  # problems for the instructor (printed, not in results.json)
        self.isolation = {}
        self.accounts, self.account_locks = sandbox.claim_student_accounts(max(1, jobs))
        self.free_accounts = list(self.accounts)
        self.prepare_folders()
        env = dict(os.environ, PYTHONHASHSEED="0", TMPDIR=str(self.private / "tmp"),
                   NUMBA_CACHE_DIR=str(grader_numba_cache()))
        env.pop("PYTEST_ADDOPTS", None)
        if not INSTALLED:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
        self.env = env

    # ------------------------------------------------------------------ folders

    def prepare_folders(self):
        """1. private copy of the tree; 2. public copies for the worker; 3. permissions."""
        os.chmod(self.base, 0o711)  # the student may pass through to public/, not list it
        self.private, self.public = self.base / "private", self.base / "public"
        self.private.mkdir(mode=0o700)
        (self.private / "tmp").mkdir()
        self.public.mkdir(mode=0o755)
        self.tree = self.private / "tree"
        shutil.copytree(self.exercises, self.tree, ignore=shutil.ignore_patterns(
            "solutions", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis"), symlinks=False)
        (self.private / "pytest.ini").write_text("[pytest]\naddopts =\n")
        student = set(student_module_names(self.exercises))
        self.modules = sorted(student | {p.stem for p in self.tree.glob("ch*/probes_*.py")})
        chapters = [ch for ch in sorted(self.tree.glob("ch*")) if ch.is_dir()]
        for kind in ("helpers", "stubs"):
            for ch in chapters:
                (self.public / kind / ch.name).mkdir(parents=True)
        for ch in chapters:
            for path in ch.glob("*.py"):
                kind = "stubs" if path.stem in student else "helpers"
                shutil.copy2(path, self.public / kind / ch.name / path.name)
        copy_submission(self.submission, self.public / "submission")
        self.digest = tree_digest(self.tree)

    def worker_paths(self):
        """The worker's sys.path tail: helpers (never replaced), the submission, the stubs."""
        def entries(root):
            return [str(d) for d in sorted(root.glob("ch*")) if d.is_dir()] + [str(root)]
        return entries(self.public / "helpers") + entries(self.public / "submission") \
            + entries(self.public / "stubs")

    def hidden_from_worker(self):
        """Folders the worker must not see even where file permissions would let it: the
        exercise tree (hidden tests, solutions) and a source checkout's tests and history.
        A folder that holds what the worker needs (Python, the package, our folders) is
        never covered."""
        needed = [Path(sys.prefix), Path(sys.base_prefix), PACKAGE_PARENT / "minikeras", self.base]
        folders = [self.exercises, PACKAGE_PARENT / "exercises", PACKAGE_PARENT / "tests", PACKAGE_PARENT / ".git"]
        return [str(f) for f in dict.fromkeys(folders)
                if f.is_dir() and not any(n == f or f in n.parents for n in needed)]

    def revealed_to_worker(self):
        """Folders the worker needs (Python, site-packages, the package) that its mount
        namespace would otherwise hide: below a folder only root may enter (a Python under
        /root) or below /tmp, which the worker gets fresh (a checkout in /tmp).
        ``(folder, ancestor, stash)`` for ``sandbox.private_mounts``."""
        if self.accounts[0] is None:
            return []
        needed = [os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, PACKAGE_PARENT, *sys.path)
                  if p and os.path.isdir(p) and self.base not in Path(os.path.realpath(p)).parents]
        reveal = []
        for number, folder in enumerate(dict.fromkeys(needed)):
            ancestor = sandbox.private_ancestor(folder) or sandbox.covered_ancestor(folder)
            if ancestor is not None:
                stash = self.public / f"reveal-{number}"
                stash.mkdir(exist_ok=True)
                reveal.append((folder, str(ancestor), str(stash)))
        return reveal

    def prepare_worker_cache(self):
        """The worker gets its own copy of the compiled kernels (numba needs a cache it can
        write; a copy means student code can spoil nothing the grader reads)."""
        cache = self.public / "numba"
        shutil.copytree(grader_numba_cache(), cache, dirs_exist_ok=True)
        os.chmod(cache, 0o755)
        for account in filter(None, self.accounts):
            chown_tree(cache, account)
        return cache

    def sandbox_settings(self, number, forbid, account):
        workdir = self.public / f"work-{number}"
        workdir.mkdir(mode=0o700)
        if account is not None:
            os.chown(workdir, account.uid, account.gid)
        return {"modules": self.modules, "paths": self.worker_paths(),
                "trusted_paths": [str(d) for d in sorted(self.tree.glob("ch*")) if d.is_dir()],
                "python_path": [] if INSTALLED else [str(PACKAGE_PARENT)],
                "workdir": str(workdir), "numba_cache": str(self.public / "numba"),
                "uid": account.uid if account else None, "gid": account.gid if account else None,
                "hide": self.hidden_from_worker(), "reveal": self.revealed_to_worker(),
                "file_size_limit": WORKER_FILE_SIZE_LIMIT,
                "forbid": forbid}

    # ------------------------------------------------------------------ running pytest

    def run_pytest(self, args, select=None, limits=None, forbid=None):
        """Run pytest on ``args`` in a subprocess, watching its events and time limits.

        With ``forbid`` (a dict, possibly empty) the tests run against the submission
        through a worker; without it (collecting) against the stubs, in-process.
        ``select`` lists the node ids to run.
        """
        with self.lock:
            self.runs += 1
            number = self.runs
            account = self.free_accounts.pop() if forbid is not None else None
        events_path = self.private / f"events{number}.jsonl"
        log_path = self.private / f"pytest{number}.log"
        events_path.touch()
        if select is not None:
            (self.private / f"select{number}.json").write_text(json.dumps(select))
            args = ["--mk-select", str(self.private / f"select{number}.json"), *args]
        env = dict(self.env)
        if forbid is not None:
            settings = self.sandbox_settings(number, forbid, account)
            (self.private / f"sandbox{number}.json").write_text(json.dumps(settings))
            args = ["--mk-sandbox", str(self.private / f"sandbox{number}.json"), *args]
            env.pop("MINIKERAS_SUBMISSION", None)
        else:
            env["MINIKERAS_SUBMISSION"] = str(self.tree)
        cmd = [sys.executable, "-m", "pytest", "-c", str(self.private / "pytest.ini"),
               "--rootdir", str(self.tree), "--confcutdir", str(self.tree),
               "--basetemp", str(self.private / "tmp" / f"pytest{number}"),
               "-p", "minikeras.autograde.plugin", "-p", "no:cacheprovider",
               "--import-mode=importlib", "--continue-on-collection-errors",
               "-q", "--tb=short", "--show-capture=no", "-W", "ignore::pytest.PytestAssertRewriteWarning",
               "--mk-events", str(events_path), "--mk-file-size-limit", str(FILE_SIZE_LIMIT), *args]
        events, running, killed, buffer = [], None, False, ""
        try:
            with open(log_path, "wb") as log, open(events_path, encoding="utf-8") as reader:
                proc = subprocess.Popen(cmd, cwd=self.private, env=env, stdin=subprocess.DEVNULL,
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
                        elif event["event"] == "isolation":
                            with self.lock:
                                self.isolation.update({k: v for k, v in event.items() if k != "event"})
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
        finally:
            if forbid is not None:  # every process of the student's dies with the exercise
                sandbox.kill_student_processes(uid=account.uid if account else None, ancestor=os.getpid())
                shutil.rmtree(self.public / f"work-{number}", ignore_errors=True)
                with self.lock:
                    self.free_accounts.append(account)
        return Run(events, proc.returncode, killed, running, read_tail(log_path))

    def test_paths(self, public_only):
        kinds = ["tests"] if public_only else ["tests", "hidden"]
        return [str(d) for ch in sorted(self.tree.glob("ch*")) for kind in kinds
                if (d := ch / kind).is_dir()]

    def collect(self, public_only=False, only=()):
        """The tests of the exercise tree, collected against its own stubs."""
        paths = self.test_paths(public_only)
        if not paths:
            raise GradingError(f"no ch*/tests directories in {self.exercises}")
        args = ["--collect-only", *[f"--exercise={x}" for x in only], *paths]
        run = self.run_pytest(args)
        for event in run.events:
            if event["event"] == "collect_error":
                self.notes.append(f"Could not collect {event['nodeid']} with the stubs "
                                  f"(its tests are not graded): {event['message']}")
        collected = [e for e in run.events if e["event"] == "collected"]
        if not collected:
            raise GradingError(f"collecting tests failed ({describe_exit(run.returncode)}):\n{run.log}")
        return [GradedTest(**dict(info, forbid=tuple(info.get("forbid", ())))) for info in collected[0]["tests"]]

    def grade_exercise(self, tests):
        """Run one exercise's tests, restarting after a test that hangs or crashes."""
        by_id = {t.nodeid: t for t in tests}
        pending = list(tests)
        while pending:
            files = list(dict.fromkeys(str(self.tree / t.file) for t in pending))
            forbid = {name: t.exercise for t in pending for name in t.forbid}
            run = self.run_pytest([*(["--mk-warmup"] if self.warmup else []), *files],
                                  select=[t.nodeid for t in pending],
                                  limits={t.nodeid: t.timeout for t in pending}, forbid=forbid)
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
    """One line per test; tracebacks of the first failures when ``details`` (public tests).

    Hidden tests keep their one-line reasons except the test's own assertion messages:
    ``assert 12 == 4242`` would tell the student the hidden expected value."""
    def reason(t):
        if not t.message or (not details and t.message.startswith(("assert", "AssertionError"))):
            return ""
        return f": {t.message}"
    lines = [f"{t.outcome.upper():8}{t.name} ({fmt(t.earned)}/{fmt(t.points)})" + reason(t) for t in tests]
    if details:  # tracebacks of the first few failures
        failed = [t for t in tests if t.outcome != "passed" and t.output]
        lines += [f"\n--- {t.name} ---\n{t.output}" for t in failed[:3]]
    return truncate("\n".join(lines), OUTPUT_LIMIT)


def results_json(tests, elapsed, isolation=None):
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
        "extra_data": isolation or {},
    }


def grader_numba_cache():
    """Where the grader keeps compiled kernels between runs (compiled once per machine)."""
    folder = os.environ.get("MINIKERAS_GRADER_CACHE") or Path.home() / ".cache" / "minikeras" / "grader-numba"
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def copy_submission(source, target):
    """Copy a submission's regular files (no symlinks: a link to a secret would be read by
    us) into ``target``, read-only for everybody but the grader, within SUBMISSION_LIMITS."""
    max_files, max_bytes = SUBMISSION_LIMITS
    files = total = 0
    target.mkdir(mode=0o755)
    for folder, dirs, names in os.walk(source, followlinks=False):
        folder = Path(folder)
        dirs[:] = [d for d in dirs if not (folder / d).is_symlink() and not NOT_COPIED(folder, [d])]
        destination = target / folder.relative_to(source)
        destination.mkdir(mode=0o755, exist_ok=True)
        for name in names:
            path = folder / name
            if path.is_symlink() or not path.is_file() or NOT_COPIED(folder, [name]):
                continue
            files, total = files + 1, total + path.stat().st_size
            if files > max_files or total > max_bytes:
                raise GradingError(f"the submission is too large (over {max_files} files or "
                                   f"{max_bytes // 2**20} MB)")
            shutil.copyfile(path, destination / name)
            os.chmod(destination / name, 0o644)


def chown_tree(folder, account):
    for path in [Path(folder), *Path(folder).rglob("*")]:
        os.chown(path, account.uid, account.gid, follow_symlinks=False)


def warm_up_kernels(env, out):
    """Compile (or load) every kernel into the grader's cache before any clock starts
    (``minikeras warmup``, the command a learner runs after installing: ``utils/warmup.py``)."""
    done = subprocess.run([sys.executable, "-m", "minikeras", "warmup", "--quiet"], env=env,
                          capture_output=True, text=True, timeout=STARTUP_TIMEOUT * 5, check=False)
    if done.returncode != 0:
        print(f"note: numba warm-up failed: {done.stderr.strip()[-500:]}", file=out)


def isolation_report(grader):
    """What held, as the grader saw it; loud when student code could not get its own user."""
    account = grader.accounts[0]
    if account is None:
        return ["WARNING: the grader is not running as root, so student code ran as the grader's own "
                "user: it could read the hidden tests and solutions, write the grader's files and "
                "signal the grader. Grade as root (as Gradescope does) for real marks."]
    seen = grader.isolation
    lines = [f"student code ran as {account.name} (uid {account.uid}) in separate processes"]
    if seen and not seen.get("own_user"):
        lines.append("WARNING: a worker was not running as the student's user")
    if seen.get("mount_namespace"):
        lines.append("student code had a private mount namespace (exercise tree and /tmp out of sight)")
    else:
        lines.append("note: no private mount namespace (the container refuses it): hidden tests and "
                     "solutions are protected by file permissions only; keep them unreadable to others")
    return lines


def grade(submission, exercises=DEFAULT_EXERCISES, results=None, *, timeout=DEFAULT_TIMEOUT,
          startup_timeout=STARTUP_TIMEOUT, public_only=False, only=(), warmup=True, jobs=1,
          out=None):
    """Grade ``submission``; print progress and a table to ``out``; return results.json as a dict.

    1. Remove an old results file (a results file is only ever one this run wrote).
    2. Copy the tree and the submission into folders of the grader's (``Grader``).
    3. Collect the tests against the stubs; warm the kernels up once.
    4. Grade each exercise (in parallel with ``jobs``); check the tree copy is untouched.
    5. Print the table and the isolation report; write results.json atomically.
    """
    start, out = time.monotonic(), out or sys.stdout
    for what, path in (("submission", submission), ("exercises", exercises)):
        if not Path(path).is_dir():
            raise GradingError(f"{what} directory not found: {path}")
    if results:
        Path(results).unlink(missing_ok=True)
    if os.geteuid() != 0:
        sandbox.become_subreaper()
        jobs = 1  # without a user per job, killing one job's processes could hit another's
    scratch = "/var/tmp" if os.geteuid() == 0 and os.path.isdir("/var/tmp") else None
    with tempfile.TemporaryDirectory(prefix="minikeras-grade-", dir=scratch) as work:
        grader = Grader(exercises, submission, timeout=timeout, startup_timeout=startup_timeout,
                        warmup=warmup, workdir=work, jobs=jobs)
        tests = grader.collect(public_only, only)
        if warmup:
            warm_up_kernels(grader.env, out)
        grader.prepare_worker_cache()
        print(f"Grading {grader.submission} with {len(tests)} tests from {grader.exercises}", file=out)

        def grade_one(group):
            t0 = time.monotonic()
            grader.grade_exercise(group)
            return group, time.monotonic() - t0

        with ThreadPoolExecutor(max(1, jobs)) as pool:
            for group, seconds in pool.map(grade_one, by_exercise(tests).values()):
                print(f"  {group[0].exercise}: {fmt(sum(t.earned for t in group))}/"
                      f"{fmt(sum(t.points for t in group))} ({seconds:.1f} s)", file=out, flush=True)
        if tree_digest(grader.tree) != grader.digest:
            raise GradingError("the grader's copy of the exercise tree changed while grading")
    print("\n" + table(tests), file=out)
    for line in isolation_report(grader):
        print(line, file=out)
    for note in grader.notes:
        print(f"note: {note}", file=out)
    for lock in grader.account_locks:  # the accounts are free for the next grader
        lock.close()
    account = grader.accounts[0]
    data = results_json(tests, time.monotonic() - start, {
        "student_user": account.name if account else None, "student_uid": account.uid if account else None,
        "mount_namespace": bool(grader.isolation.get("mount_namespace"))})
    if results:
        Path(results).parent.mkdir(parents=True, exist_ok=True)
        partial = Path(results).with_name(f".{Path(results).name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, indent=2) + "\n")
        os.replace(partial, results)
        print(f"wrote {results}", file=out)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(prog="minikeras-grade", description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?",
                        help="directory to grade: a student release, or exercises/solutions")
    parser.add_argument("--prepare", action="store_true",
                        help="only make the student account and compile the kernels (Gradescope's setup.sh)")
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
    if args.prepare:
        accounts, locks = sandbox.claim_student_accounts(1)
        for lock in locks:
            lock.close()
        env = dict(os.environ, NUMBA_CACHE_DIR=str(grader_numba_cache()))
        warm_up_kernels(env, sys.stdout)
        print(f"student account: {accounts[0].name if accounts[0] else 'none (not root)'}; "
              f"kernels compiled into {grader_numba_cache()}")
        return 0
    if not args.submission:
        parser.error("the submission directory is required")
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
