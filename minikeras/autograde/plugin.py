"""pytest plugin for the minikeras exercises.

Loaded by ``exercises/conftest.py`` (so plain ``pytest exercises/`` works) and
by the grader with ``-p minikeras.autograde.plugin``. It

* registers the marker ``@pytest.mark.exercise("ch03.dense_forward", points=2)``
  (optional keywords: ``visibility=...``, ``timeout=seconds``);
* puts the submission on ``sys.path`` (``MINIKERAS_SUBMISSION``, see below);
* adds ``--exercise ID`` to run one exercise or one chapter (``--exercise ch03``);
* prints a points summary at the end of a local run;
* in grading mode (``--mk-events FILE``, used by ``minikeras-grade``) appends one
  JSON line per event (collected tests, collection errors, warm-up, test
  start, test result) and flushes it at once, so the grader still has every
  finished result if it has to kill this process.

``MINIKERAS_SUBMISSION`` is a list of directories separated by ``os.pathsep``.
For each directory D, ``D/ch*/`` and then ``D`` itself go on ``sys.path``, in
order, so ``import activations`` in a test finds ``D/ch00_warmup/activations.py``
(or a flat upload ``D/activations.py``).
"""

import json
import os
import sys
import time
from pathlib import Path

import pytest

from minikeras.autograde import remote
from minikeras.autograde.forbidden import forbidden_uses

CONNECTION = pytest.StashKey()
SUBMISSION_PATHS = pytest.StashKey()

MARKER_HELP = (
    "exercise(id, points=1, visibility=None, timeout=None, forbid=()): the exercise this "
    "test belongs to, the points it is worth (split evenly across parametrized cases), "
    "its Gradescope visibility (default: 'visible', or 'after_published' for tests "
    "in a hidden/ directory), its time limit in seconds (default: the grader's) and the "
    "library functions the exercise asks the student to write (dotted names), which "
    "the submission must not use."
)
MARKER_KEYWORDS = {"points", "visibility", "timeout", "forbid"}
VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}
OUTPUT_LIMIT = 2000  # characters of traceback + captured output kept per test


def truncate(text, limit=OUTPUT_LIMIT):
    """Keep the head and the tail of ``text`` so it is at most about ``limit`` chars."""
    if len(text) <= limit:
        return text
    head, tail = text[: limit * 3 // 4], text[-(limit // 4):]
    return f"{head}\n... [{len(text) - len(head) - len(tail)} characters cut] ...\n{tail}"


def first_line(report):
    """A one-line reason for a failed or skipped report."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # skip: (path, lineno, reason)
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        return crash.message.strip().splitlines()[0].removeprefix("minikeras.autograde.remote.")
    lines = [line[1:].strip() for line in report.longreprtext.splitlines() if line.startswith("E ")]
    return lines[-1] if lines else (report.longreprtext.strip().splitlines() or ["error"])[-1]


def submission_path_entries(value):
    entries = []
    for root in filter(None, value.split(os.pathsep)):
        root = Path(root).resolve()
        entries += [str(d) for d in sorted(root.glob("ch*")) if d.is_dir()] + [str(root)]
    return entries


def load_hypothesis_profile(config):
    """No deadlines (numba compiles on the first example), reproducible examples."""
    try:
        from hypothesis import settings   # optional: an environment may run without hypothesis
    except ImportError:
        return
    settings.register_profile("minikeras-exercises", deadline=None, derandomize=True,
                              database=None, print_blob=False)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("minikeras-exercises")


def limit_file_size(nbytes):
    """Make writes past ``nbytes`` fail with OSError (EFBIG) instead of filling the disk."""
    try:   # Unix-only modules, imported where used so that the plugin loads everywhere
        import resource
        import signal
    except ImportError:  # not on Unix
        return
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # The soft limit only: this process is the grader's; the worker it starts sets its own
    # (hard) limit, which may be larger (a saved model is bigger than captured output).
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def warm_up():
    """Compile (or load) minikeras' numba kernels before any test clock starts."""
    try:
        # Imported when the session starts, not when pytest loads this plugin (in every run
        # where minikeras is installed): loading the kernels takes seconds.
        from minikeras.utils.warmup import warmup

        warmup()
        return "ok"
    except Exception as exc:  # the library may be broken or half-written
        return f"failed: {type(exc).__name__}: {exc}"


def pytest_addoption(parser):
    group = parser.getgroup("minikeras", "minikeras exercises")
    group.addoption("--exercise", action="append", default=[], metavar="ID",
                    help="only run this exercise id, or every exercise of a chapter (ch03)")
    group.addoption("--mk-events", metavar="FILE", help="(grader) append JSON-line events here")
    group.addoption("--mk-select", metavar="FILE", help="(grader) JSON list of node ids to run")
    group.addoption("--mk-warmup", action="store_true", help="(grader) warm up numba first")
    group.addoption("--mk-file-size-limit", type=int, metavar="BYTES",
                    help="(grader) maximum size of any file the tests write (captured output)")
    group.addoption("--mk-sandbox", metavar="FILE",
                    help="(grader) run student code in a worker process set up as FILE says")


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER_HELP)
    sandbox_file = config.getoption("mk_sandbox")
    if sandbox_file:
        # Grading: student modules are answered by the worker; nothing from the
        # submission is ever imported into this process (see remote.py).
        settings = json.loads(Path(sandbox_file).read_text())
        connection = remote.Connection(settings)
        sys.meta_path.insert(0, remote.SubmissionFinder(connection, settings["modules"]))
        sys.path[:0] = settings.get("trusted_paths", [])
        config.stash[CONNECTION] = connection
        config.stash[SUBMISSION_PATHS] = settings["paths"]
    else:
        paths = submission_path_entries(os.environ.get("MINIKERAS_SUBMISSION", ""))
        tree = [p for p in submission_path_entries(os.environ.get("MINIKERAS_EXERCISES", "")) if p not in paths]
        sys.path[:0] = paths + tree  # the exercise tree after the submission: probes, helpers, stubs
        config.stash[SUBMISSION_PATHS] = paths
    load_hypothesis_profile(config)
    if config.getoption("mk_file_size_limit"):
        limit_file_size(config.getoption("mk_file_size_limit"))
    config.pluginmanager.register(ExerciseRecorder(config), "minikeras-exercise-recorder")


def exercise_info(item):
    """Exercise id, points, visibility and time limit of one collected test."""
    marker = item.get_closest_marker("exercise")
    kwargs = dict(marker.kwargs) if marker else {}
    unknown = set(kwargs) - MARKER_KEYWORDS
    if (marker and len(marker.args) != 1) or unknown:
        raise pytest.UsageError(f"{item.nodeid}: use @pytest.mark.exercise('chNN.name', "
                                f"points=..., visibility=..., timeout=...), got {marker}")
    visibility = kwargs.get("visibility") or (
        "after_published" if item.path.parent.name == "hidden" else "visible")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(f"{item.nodeid}: visibility must be one of {sorted(VISIBILITIES)}")
    return {
        "nodeid": item.nodeid,
        "exercise": marker.args[0] if marker else item.nodeid.split("::")[0],
        "points": float(kwargs.get("points", 1)),
        "visibility": visibility,
        "timeout": kwargs.get("timeout"),
        "forbid": list(kwargs.get("forbid", ())),
    }


def selected(exercise, wanted):
    return not wanted or any(exercise == w or exercise.startswith(w + ".") for w in wanted)


class ExerciseRecorder:
    def __init__(self, config):
        self.config = config
        path = config.getoption("mk_events")
        self.events = open(path, "a", encoding="utf-8") if path else None
        self.all_info = {}  # nodeid -> exercise_info(item), before any deselection
        self.info = {}  # the same for the tests that will run
        self.outcome = {}  # nodeid -> {"outcome", "message", "output"}
        self.collect_errors = []

    def emit(self, event, **data):
        if self.events:
            self.events.write(json.dumps({"event": event, **data}) + "\n")
            self.events.flush()

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, config, items):
        infos = {item.nodeid: exercise_info(item) for item in items}
        # Points belong to a test function: split them across its parametrized cases.
        cases = {}
        for nodeid in infos:
            cases.setdefault(nodeid.split("[")[0], []).append(nodeid)
        for group in cases.values():
            for nodeid in group:
                infos[nodeid]["points"] /= len(group)

        wanted = config.getoption("exercise")
        only = config.getoption("mk_select")
        only = set(json.loads(Path(only).read_text())) if only else None
        keep = [it for it in items if selected(infos[it.nodeid]["exercise"], wanted)
                and (only is None or it.nodeid in only)]
        dropped = [it for it in items if it not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep
        self.all_info = infos

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(report.nodeid)
            self.emit("collect_error", nodeid=report.nodeid, message=first_line(report),
                      output=truncate(report.longreprtext))

    def pytest_collection_finish(self, session):
        self.info = {item.nodeid: self.all_info[item.nodeid] for item in session.items}
        self.emit("collected", tests=list(self.info.values()))
        if self.config.getoption("mk_warmup") and session.items and not self.config.option.collectonly:
            start = time.perf_counter()
            status = warm_up()
            self.emit("warmup", status=status, seconds=round(time.perf_counter() - start, 3))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        """A test of an "implement X" exercise fails at once if the submission's code uses
        minikeras's own X (read from the student's files here, never run)."""
        connection = self.config.stash.get(CONNECTION, None)
        if connection is not None:
            connection.reset()
        forbid = self.all_info.get(item.nodeid, {}).get("forbid")
        if forbid:
            found = forbidden_uses(item.path, self.config.stash[SUBMISSION_PATHS], forbid)
            if found:
                pytest.fail(f"submission tried to use {found}, which exercise "
                            f"{self.all_info[item.nodeid]['exercise']} asks you to write yourself",
                            pytrace=False)

    def pytest_sessionfinish(self, session):
        connection = self.config.stash.get(CONNECTION, None)
        if connection is not None:
            if connection.isolation:
                self.emit("isolation", **connection.isolation)
            connection.stop()

    def pytest_runtest_logstart(self, nodeid, location):
        self.outcome[nodeid] = {"outcome": None, "message": "", "output": ""}
        self.emit("start", nodeid=nodeid)

    def pytest_runtest_logreport(self, report):
        rec = self.outcome.setdefault(report.nodeid, {"outcome": None, "message": "", "output": ""})
        if report.when == "call" and report.passed and rec["outcome"] is None:
            rec["outcome"] = "passed"
        elif report.failed or (report.skipped and rec["outcome"] != "failed"):
            rec["outcome"] = "failed" if report.failed else "skipped"
            rec["message"] = first_line(report)
            captured = "".join(f"\n--- {title} ---\n{text}" for title, text in report.sections
                               if title.startswith("Captured"))
            rec["output"] = truncate(report.longreprtext + captured)
        if report.when == "teardown":
            rec["outcome"] = rec["outcome"] or "failed"
            self.emit("result", nodeid=report.nodeid, **rec)

    def pytest_terminal_summary(self, terminalreporter):
        """Points per exercise, for students running ``pytest`` locally."""
        if self.events or not self.info or self.config.option.collectonly:
            return
        totals = {}
        for nodeid, info in self.info.items():
            earned, possible = totals.get(info["exercise"], (0.0, 0.0))
            passed = self.outcome.get(nodeid, {}).get("outcome") == "passed"
            totals[info["exercise"]] = (earned + info["points"] * passed, possible + info["points"])
        terminalreporter.section("minikeras exercise points")
        width = max(len(ex) for ex in totals)
        for ex, (earned, possible) in totals.items():
            terminalreporter.line(f"{ex:<{width}}  {earned:.4g}/{possible:.4g}")
        earned = sum(e for e, _ in totals.values())
        possible = sum(p for _, p in totals.values())
        terminalreporter.line(f"{'total':<{width}}  {earned:.4g}/{possible:.4g}")
        for nodeid in self.collect_errors:
            terminalreporter.line(f"(could not import {nodeid}: its tests are missing above)")
