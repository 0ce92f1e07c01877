"""The grader's side of the boundary: student modules that run in the worker.

When the grader runs an exercise, a test file's ``from dense_layer import dense_forward``
does not import the student's file. ``SubmissionFinder`` (first on ``sys.meta_path``)
answers instead with a ``SubmissionModule`` whose attributes stand for the functions and
classes in the worker (``worker.py``). Calling one sends the arguments over the pipe and
returns what came back, decoded by ``wire.decode``: fresh numbers, strings, plain
ndarrays, lists, dicts, and models rebuilt from ``.keras`` bytes in safe mode. So
the test compares *data* with expected values computed here, in a process student
code never ran in.

What a call may return depends on what was called:

* a module-level function: only data or a minikeras model. An object of any other
  kind (one whose ``__eq__`` always agrees, an ndarray subclass, a model class of the
  student's) is refused with a clear message: the test asked for a value.
* a student class, or a method of an object made from one: also a ``RemoteObject``,
  an inert stand-in for an object that stays in the worker (the test made it, so it
  knows it is the student's). Its attributes and methods go back over the pipe too.

Exceptions raised by student code come back as the same built-in type where there is
one (``ValueError`` stays ``ValueError``, so ``pytest.raises`` works) and as
``SubmissionError`` otherwise; ``SystemExit`` and ``KeyboardInterrupt`` never cross.
"""

import builtins
import contextlib
import importlib.abc
import importlib.machinery
import os
import resource
import signal
import sys
import tempfile
import types

from minikeras.autograde import sandbox, wire

CROSSING_EXCEPTIONS = frozenset(
    ["ValueError", "TypeError", "KeyError", "IndexError", "AttributeError", "NotImplementedError",
     "RuntimeError", "ZeroDivisionError", "AssertionError", "ArithmeticError", "LookupError",
     "FloatingPointError", "OverflowError", "ImportError", "ModuleNotFoundError", "NameError",
     "RecursionError", "UnboundLocalError", "Exception"])


class SubmissionError(Exception):
    """Student code raised an exception with no built-in twin, or broke the rules."""


class SubmissionCrashed(SubmissionError):
    """The worker process ended while it was running student code."""


class Connection:
    """The pipe to one worker; restarts the worker when a crash ended the last one."""

    def __init__(self, config):
        self.config = config
        self.proc = None
        self.generation = 0  # RemoteObjects from an earlier worker are gone with it
        self.imported = []   # modules to import again in a restarted worker
        self.callbacks = {}
        self.isolation = None

    # ------------------------------------------------------------------ process

    def ensure_worker(self):
        if self.proc is not None and self.proc.poll() is None:
            return
        self.stop()
        self.proc, self.to_worker, self.from_worker = sandbox.start_worker(self.config)
        self.generation += 1
        self.exchange({"paths": self.config["paths"], "forbid": self.config.get("forbid", {})},
                      what="starting the submission's process")
        self.isolation = self.check_isolation()
        for module in self.imported:
            self.exchange({"op": "import", "module": module}, what=f"import {module}")

    def check_isolation(self):
        """What the grader can see for itself about the worker (not what the worker says)."""
        pid = self.proc.pid
        return {"uid": sandbox.process_uid(pid),
                "own_user": self.config.get("uid") is not None
                and sandbox.process_uid(pid) == self.config.get("uid"),
                "mount_namespace": sandbox.mount_namespace(pid) not in (None, sandbox.mount_namespace("self"))}

    def stop(self):
        if self.proc is None:
            return
        try:
            wire.send(self.to_worker, wire.encode({"op": "exit"}))
        except OSError:
            pass
        for fd in (self.to_worker, self.from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=2)
        except Exception:
            os.killpg(self.proc.pid, signal.SIGKILL) if self.proc.poll() is None else None
            self.proc.wait()
        sandbox.kill_student_processes(uid=self.config.get("uid"), ancestor=os.getpid())
        self.proc = None

    # ------------------------------------------------------------------ requests

    def exchange(self, message, *, what, handles=False):
        """Send ``message``, serve the worker's callbacks, and return its answer."""
        try:
            wire.send(self.to_worker, wire.encode(message, adapt=trusted_model, handle_for=self.callback_for))
            while True:
                reply = self.read_reply(handles)
                if "callback" in reply:
                    self.serve_callback(reply)
                    continue
                if "err" in reply:
                    raise rebuild_exception(reply["err"], what)
                return reply.get("ok")
        except (EOFError, BrokenPipeError):
            raise SubmissionCrashed(f"the submission's process ended ({self.exit_status()}) during {what}") from None

    def read_reply(self, handles):
        make_handle = self.remote_object if handles else refuse_object
        reply = wire.decode(wire.receive(self.from_worker), load_model=safe_model, make_handle=make_handle)
        if type(reply) is not dict or not isinstance(reply.get("out", ""), str):
            raise wire.WireError("the submission's process sent a malformed answer")
        if reply.get("out"):
            sys.stdout.write(reply["out"])  # the student's prints, shown with the test's output
        return reply

    def serve_callback(self, reply):
        function = self.callbacks.get(reply["callback"])
        try:
            answer = {"ok": function(*reply.get("args", []), **reply.get("kwargs", {}))}
        except Exception as exc:
            answer = {"err": f"{type(exc).__name__}: {exc}"}
        wire.send(self.to_worker, wire.encode(answer, adapt=trusted_model))

    def exit_status(self):
        if self.proc is None:
            return "not running"
        try:
            code = self.proc.wait(timeout=5)
        except Exception:
            return "still running"
        self.proc = None
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def callback_for(self, obj):
        if not callable(obj):
            raise TypeError(f"the test cannot pass an object of type {type(obj).__name__} to the submission")
        ident = len(self.callbacks) + 1
        self.callbacks[ident] = obj
        return ident, "callback"

    def remote_object(self, ident, type_name):
        return RemoteObject(self, ident, type_name)

    # ------------------------------------------------------------------ for modules

    def import_module(self, name):
        self.ensure_worker()
        self.exchange({"op": "import", "module": name}, what=f"import {name}")
        self.imported.append(name)

    def reset(self):
        """Called before each test: the worker forgets automatic layer names, as a fresh
        process would (only if it is running; a test that needs it will start it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.exchange({"op": "reset"}, what="resetting the session")

    def module_attribute(self, module, name):
        self.ensure_worker()
        return self.exchange({"op": "getattr", "module": module, "name": name},
                             what=f"{module}.{name}", handles=True)


def refuse_object(ident, type_name):
    kind, _, name = type_name.partition(":")
    raise SubmissionError(
        f"the submission returned an object of type {name or kind}, where the test expects plain "
        "data (numbers, strings, numpy arrays, lists, tuples and dicts of them) or a minikeras model")


def rebuild_exception(error, what):
    if type(error) is not dict:
        return SubmissionError(f"the submission failed during {what}")
    name, message = str(error.get("type", "Exception")), str(error.get("message", ""))
    trace = str(error.get("traceback", ""))
    cls = getattr(builtins, name, None) if name in CROSSING_EXCEPTIONS else None
    if cls is None:
        exc = SubmissionError(f"{name}: {message}")
    else:
        exc = cls(message)
    if trace and hasattr(exc, "add_note"):  # Python 3.11+; on 3.10 the message alone
        exc.add_note(f"Traceback in the submission's process:\n{trace}")
    return exc


class RemoteObject(wire.Handle):
    """An object of the student's that stays in the worker: attributes and calls go there."""

    def __init__(self, connection, ident, type_name):
        super().__init__(ident, type_name)
        self._connection, self._generation = connection, connection.generation

    def _request(self, message, what):
        if self._generation != self._connection.generation:
            raise SubmissionCrashed(f"{self!r} was lost when the submission's process ended")
        self._connection.ensure_worker()
        return self._connection.exchange(dict(message, handle=self._ident), what=what, handles=True)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # numpy & co. probe for __array__ etc.: none here
        return self._request({"op": "getattr", "name": name}, f"{self._type_name}.{name}")

    def __call__(self, *args, **kwargs):
        return self._request({"op": "call", "args": list(args), "kwargs": kwargs}, f"{self._type_name}()")

    def __getitem__(self, key):
        return self._request({"op": "call", "name": "__getitem__", "args": [key]}, f"{self._type_name}[...]")

    def __len__(self):
        n = self._request({"op": "call", "name": "__len__"}, f"len({self._type_name})")
        if type(n) is not int:
            raise SubmissionError(f"len() of {self!r} gave {type(n).__name__}, not int")
        return n

    def __iter__(self):
        return iter([self[i] for i in range(len(self))])


class RemoteFunction:
    """A module-level function of the student's: its result must be data or a model."""

    kind, handles = "function", False

    def __init__(self, connection, module, name):
        self._connection, self._module, self.__name__ = connection, module, name
        self.__qualname__ = name

    def __repr__(self):
        return f"<submission {self.kind} {self._module}.{self.__name__}>"

    def __call__(self, *args, **kwargs):
        self._connection.ensure_worker()
        return self._connection.exchange(
            {"op": "call", "module": self._module, "name": self.__name__, "args": list(args), "kwargs": kwargs},
            what=f"{self.__name__}()", handles=self.handles)


class RemoteClass(RemoteFunction):
    """A class of the student's: calling it makes an instance that stays in the worker."""

    kind, handles = "class", True


class SubmissionModule(types.ModuleType):
    def __init__(self, name, connection):
        super().__init__(name)
        self.__dict__["_connection"] = connection

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = self._connection.module_attribute(self.__name__, name)
        if isinstance(value, RemoteObject):
            kind = value._type_name.partition(":")[0]
            value = (RemoteClass if kind == "class" else RemoteFunction)(self._connection, self.__name__, name) \
                if kind in ("class", "function") else value
        self.__dict__[name] = value
        return value


class SubmissionFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers imports of the student's module names with ``SubmissionModule``s."""

    def __init__(self, connection, module_names):
        self.connection, self.module_names = connection, frozenset(module_names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.module_names:
            return importlib.machinery.ModuleSpec(fullname, self, origin="submission")
        return None

    def create_module(self, spec):
        return SubmissionModule(spec.name, self.connection)

    def exec_module(self, module):
        try:
            self.connection.import_module(module.__name__)
        except SubmissionError as exc:
            raise ImportError(f"the submission's {module.__name__}.py failed to import: {exc}") from exc
        except ImportError as exc:
            raise ImportError(f"the submission's {module.__name__}.py failed to import: "
                              f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:
            raise ImportError(f"the submission's {module.__name__}.py failed to import: "
                              f"{type(exc).__name__}: {exc}") from exc


# ---------------------------------------------------------------------- models

def trusted_model(obj):
    """A model the test passes to student code travels as ``.keras`` bytes."""
    from minikeras.models import Model  # noqa: PLC0415 (autograde must import without minikeras' engine)

    if not isinstance(obj, Model):
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        obj.save(path)
        with open(path, "rb") as f:
            return wire.ModelBytes(f.read())


@contextlib.contextmanager
def larger_files():
    """Lift this process's soft file-size limit (kept for captured output) while we write a
    model file that crossed the boundary; the frame size already bounds it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def safe_model(data):
    """A model the submission returned, rebuilt here from its file in safe mode: only
    minikeras's own classes, no code from the file (a Lambda layer is refused)."""
    from minikeras.models import load_model  # noqa: PLC0415 (as above)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with larger_files():
            with open(path, "wb") as f:
                f.write(data)
        try:
            return load_model(path, safe_mode=True)
        except Exception as exc:
            raise SubmissionError(f"the submission returned a model that cannot be rebuilt from its "
                                  f".keras file in safe mode ({type(exc).__name__}: {exc})") from None
