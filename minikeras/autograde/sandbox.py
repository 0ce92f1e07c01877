"""Starting and ending the worker that runs student code (see ``worker.py``).

The boundary has three walls, each used when the machine allows it:

1. **Another user.** When the grader runs as root (as on Gradescope), the worker runs
   as ``minikeras-student`` (made with ``useradd`` if missing), so it cannot write the
   exercise tree, the package, the grader's files or results, cannot read files that
   are private to root (the grader's copy of the tests, its event logs) and cannot
   signal the grader. Without root, the worker keeps the grader's user: the report
   says so loudly.
2. **A private mount namespace** (root only): the original exercise tree (hidden tests,
   solutions) and the folder that holds the package's source checkout are covered with
   empty read-only filesystems, and ``/tmp`` with a fresh one, so even world-readable
   secrets are out of sight and nothing the worker writes there outlives it.
3. **A process boundary** always: a new session, a private empty working directory, a
   minimal environment (none of the grader's variables), limits on file size, core
   dumps and (with a separate user) the number of processes; afterwards every process
   of the student (``kill_student_processes``) is killed, detached ones included.
"""

import ctypes
import fcntl
import os
import pwd
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

STUDENT_USER = "minikeras-student"
FALLBACK_UID = 64917  # used as uid and gid when useradd is missing
MAX_PROCESSES = 256   # per student user: a fork bomb stops here
CLONE_NEWNS, MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x20000, 1, 2, 4, 4096, 0x4000, 1 << 18
PR_SET_CHILD_SUBREAPER = 36
FRESH = {"/tmp": b"256m", "/dev/shm": b"64m"}  # empty in the worker: nothing it writes there outlives it
LOCKS = Path("/run/minikeras-grade") if os.path.isdir("/run") else Path("/var/lock/minikeras-grade")


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int


def claim_student_accounts(count):
    """``count`` unprivileged accounts for student code, each held by this grader alone.

    Graders on one machine (parallel jobs, or two instructors' runs) must never share an
    account: killing "every process of the student" would kill the other's workers. Each
    account has a lock file in a folder only root may enter; a grader holds the lock
    (``flock``) while it lives, and the next free account is made with ``useradd`` if
    needed. Returns ``(accounts, locks)``; None for every account without root."""
    if os.geteuid() != 0:
        return [None] * count, []
    LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
    accounts, locks = [], []
    slot = 0
    while len(accounts) < count:
        lock = open(LOCKS / f"slot{slot}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            slot += 1
            continue
        accounts.append(student_account(slot))
        locks.append(lock)
        slot += 1
    return accounts, locks


def student_account(slot=0):
    """The unprivileged account number ``slot`` (made if needed); None without root."""
    if os.geteuid() != 0:
        return None
    name = STUDENT_USER if slot == 0 else f"{STUDENT_USER}{slot}"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                               "--shell", "/usr/sbin/nologin", "--user-group", name],
                              capture_output=True, check=False)
        if made.returncode != 0:
            return Account(f"uid {FALLBACK_UID + slot}", FALLBACK_UID + slot, FALLBACK_UID + slot)
        entry = pwd.getpwnam(name)
    return Account(name, entry.pw_uid, entry.pw_gid)


def become_subreaper():
    """Orphans of our children (a double-forked daemon) stay our descendants, so
    ``kill_student_processes`` finds them even without a separate user."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------------- starting

def worker_command(read_fd, write_fd, python_path):
    """``python -E -s``: no PYTHON* variables, no user site-packages (no student .pth)."""
    boot = ("import sys; sys.path[:0] = %r; from minikeras.autograde.worker import main; main()"
            % list(python_path))
    return [sys.executable, "-E", "-s", "-c", boot, str(read_fd), str(write_fd)]


def worker_environment(workdir, numba_cache):
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "TMPDIR": str(workdir),
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(workdir),
            "NUMBA_CACHE_DIR": str(numba_cache), "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}


def start_worker(config):
    """The worker process and the two pipe ends the grader keeps: ``(proc, to_worker, from_worker)``.

    ``config`` (from the grader): ``workdir``, ``numba_cache``, ``python_path``,
    ``uid``/``gid`` (or None), ``hide`` (folders to cover), ``file_size_limit``.
    """
    to_worker_r, to_worker_w = os.pipe()
    from_worker_r, from_worker_w = os.pipe()
    account = (config.get("uid"), config.get("gid"))
    limits = config.get("file_size_limit")
    mounts = (config.get("hide", ()), config.get("reveal", ()))
    proc = subprocess.Popen(
        worker_command(to_worker_r, from_worker_w, config["python_path"]),
        cwd="/", env=worker_environment(config["workdir"], config["numba_cache"]),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        pass_fds=(to_worker_r, from_worker_w), start_new_session=True,
        preexec_fn=lambda: enter_sandbox(account, mounts, config["workdir"], limits))
    os.close(to_worker_r)
    os.close(from_worker_w)
    return proc, to_worker_w, from_worker_r


def enter_sandbox(account, mounts, workdir, file_size_limit):
    """Runs in the new process before it becomes Python: walls 2, 3, then 1 (order matters:
    mounting needs root, so the user changes last)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if file_size_limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))
    uid, gid = account
    if uid is not None:
        private_mounts(*mounts)
        resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    os.chdir(workdir)


def private_mounts(hide, reveal):
    """Wall 2; silently absent where the kernel or container refuses namespaces.

    ``reveal`` lists ``(folder, private_ancestor, stash)``: a folder the worker needs
    (Python itself, say, under ``/root/.pyenv``) below an ancestor only root may enter.
    The folder is bound to ``stash`` (an empty folder of ours), the ancestor covered with
    an empty filesystem, and the folder bound back at its own path: the worker sees
    it and nothing else of the ancestor."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        return
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    # 1. Keep what the worker needs (it may be about to be covered) at a stash of ours.
    for folder, _, stash in reveal:
        libc.mount(os.fsencode(folder), os.fsencode(stash), None, MS_BIND | MS_REC, None)
    # 2. Cover the secrets, a fresh /tmp and /dev/shm, and every private ancestor.
    for folder in hide:
        libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
                   b"size=4k,mode=0555")
    for folder, size in FRESH.items():
        libc.mount(b"tmpfs", os.fsencode(folder), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=%s,mode=1777" % size)
    for ancestor in dict.fromkeys(a for _, a, _ in reveal):
        if ancestor not in FRESH and os.path.isdir(ancestor):  # not already gone with /tmp
            libc.mount(b"tmpfs", os.fsencode(ancestor), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=4k,mode=0755")
    # 3. Put the needed folders back at their own paths.
    for folder, _, stash in reveal:
        os.makedirs(folder, mode=0o755, exist_ok=True)
        libc.mount(os.fsencode(stash), os.fsencode(folder), None, MS_BIND | MS_REC, None)


def covered_ancestor(path):
    """``/tmp`` or ``/dev/shm`` when ``path`` lies below one (the worker gets them fresh)."""
    path = Path(os.path.realpath(path))
    return next((folder for folder in FRESH if Path(folder) in path.parents), None)


def private_ancestor(path):
    """The highest folder above ``path`` that other users may not enter, or None."""
    path = Path(os.path.realpath(path))
    for folder in reversed(path.parents):
        if folder != Path("/") and not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def mount_namespace(pid):
    """The mount namespace of a process (as the grader sees it), to check wall 2 held."""
    try:
        return os.readlink(f"/proc/{pid}/ns/mnt")
    except OSError:
        return None


def process_uid(pid):
    """The real uid of a living process (None for a zombie, which can no longer act, or
    a process that is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    if fields.get("State", "").strip().startswith(("Z", "X")):
        return None
    try:
        return int(fields["Uid"].split()[0])
    except (KeyError, ValueError, IndexError):
        return None


def processes_of(uid):
    """The living processes of ``uid``."""
    return [pid for pid in _pids() if process_uid(pid) == uid]


# ---------------------------------------------------------------------- ending

def kill_student_processes(uid=None, ancestor=None):
    """Kill every process of the student: all processes of ``uid`` when student code had a
    user of its own, else every descendant of ``ancestor`` (our subreaper keeps orphans
    among them). Returns how many processes were still alive."""
    if uid is not None:
        return _kill_all_of_user(uid)
    killed = 0
    for _ in range(50):
        pids = descendants(ancestor or os.getpid())
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        _reap(pids)
        time.sleep(0.01)
    return killed


def _kill_all_of_user(uid):
    """``kill(-1, SIGKILL)`` from a child that has become the student: it reaches every process
    the student may signal, which is all of theirs and nothing else, in one step (a fork bomb
    cannot outrun it)."""
    before = processes_of(uid)
    for _ in range(20):
        if not processes_of(uid):
            break
        child = os.fork()
        if child == 0:
            try:
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        _reap(before)
        time.sleep(0.01)
    return len(before)


def descendants(root):
    parents = {}
    for pid in _pids():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier and pid not in found}
        found |= frontier
    found.discard(os.getpid())
    return sorted(found)


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _reap(pids):
    """Collect the killed processes that were our children (a subreaper inherits orphans and
    must wait for them). Only these: waiting for any child would steal the exit status of a
    pytest run that subprocess.Popen is watching."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
