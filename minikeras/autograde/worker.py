"""The worker: the only process that runs student code while grading.

The grader's pytest process (trusted) starts one worker per exercise with
``sandbox.start_worker``: a separate process, under an unprivileged user when the
grader is root, in a private empty directory, with the exercise tree and the grader's
files out of its reach. The worker then does what the tests ask, one request at a time:

* ``import``   import a student module;
* ``getattr``  an attribute of a module or of an object kept here;
* ``call``     call a function, a class or a method with the given arguments;

and answers with plain data (see ``wire.py``): numbers, strings, arrays, lists, dicts,
minikeras models as ``.keras`` bytes, or a *handle* (a number) for an object that
has to stay here, such as an instance of the student's own layer class.

Nothing here is trusted. Student code can rewrite this module while it runs; that only
changes what the worker *says*, and the grader checks every answer itself. The
worker's job is to make honest code work across the process boundary, and to give
clear messages: a student who calls the library function an exercise asks them to
write meets a tripwire (``install_tripwires``).
"""

import importlib
import io
import os
import sys
import tempfile
import traceback

import numpy as np

from minikeras.autograde import wire

OUTPUT_LIMIT = 20000  # characters of printed output sent back per request


class ForbiddenCallError(RuntimeError):
    """Student code called a library function that the exercise asks them to write."""


class Worker:
    def __init__(self, read_fd, write_fd):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.objects = {}  # handle number -> object kept alive for the grader
        self.output = None

    # ------------------------------------------------------------------ set-up

    def start(self):
        """1. Read the set-up message; 2. catch printed output; 3. sys.path; 4. tripwires."""
        config = self.receive()
        self.output = tempfile.TemporaryFile(mode="w+b", dir=os.getcwd())
        os.dup2(self.output.fileno(), 1)
        os.dup2(self.output.fileno(), 2)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), line_buffering=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), line_buffering=True)
        # Student folders go *after* the standard library and site-packages, so a folder
        # named numpy/ in a submission cannot stand in for numpy (not even here).
        sys.path[:] = [p for p in sys.path if p not in ("", ".")] + list(config["paths"])
        install_tripwires(config.get("forbid") or {})
        self.reply({"ok": {"pid": os.getpid()}})

    # ------------------------------------------------------------------ the loop

    def serve(self):
        while True:
            try:
                request = self.receive()
            except EOFError:
                return
            if request.get("op") == "exit":
                return
            self.answer(request)

    def answer(self, request):
        try:
            result = self.perform(request)
        except BaseException as exc:  # SystemExit, KeyboardInterrupt too: they are the student's
            self.reply({"err": describe(exc)})
        else:
            try:
                self.reply({"ok": result})
            except Exception as exc:  # a result that cannot be sent
                self.reply({"err": describe(exc)})

    def perform(self, request):
        op = request["op"]
        if op == "import":
            importlib.import_module(request["module"])
            return None
        if op == "reset":  # a new test: fresh automatic names (dense_1 ...), as in a new process
            if "minikeras" in sys.modules:
                sys.modules["minikeras"].backend.clear_session()
            return None
        owner = sys.modules[request["module"]] if "module" in request else self.objects[request["handle"]]
        if op == "getattr":
            return getattr(owner, request["name"])
        if op == "call":
            function = getattr(owner, request["name"]) if "name" in request else owner
            return function(*request.get("args", ()), **request.get("kwargs", {}))
        raise ValueError(f"unknown request {op!r}")

    # ------------------------------------------------------------------ messages

    def receive(self):
        return wire.decode(wire.receive(self.read_fd), load_model=load_model_bytes,
                           make_handle=self.local_object)

    def reply(self, message):
        message["out"] = self.printed()
        wire.send(self.write_fd, wire.encode(message, adapt=plain_value, handle_for=self.handle_for))

    def printed(self):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        size = self.output.seek(0, os.SEEK_END)
        self.output.seek(0)
        if size > 2 * OUTPUT_LIMIT:  # read the head and the tail only
            head = self.output.read(OUTPUT_LIMIT)
            self.output.seek(size - OUTPUT_LIMIT)
            text = (head + self.output.read()).decode(errors="replace")
            text = text[:OUTPUT_LIMIT // 2] + f"\n... [{size - OUTPUT_LIMIT} characters cut] ...\n" \
                + text[-OUTPUT_LIMIT // 2:]
        else:
            text = self.output.read().decode(errors="replace")
        self.output.seek(0)
        self.output.truncate()
        return text

    def handle_for(self, obj):
        ident = len(self.objects) + 1
        self.objects[ident] = obj
        kind = "class" if isinstance(obj, type) else "function" if callable(obj) else "object"
        return ident, f"{kind}:{getattr(obj, '__name__', type(obj).__name__)}"

    def local_object(self, ident, type_name):
        if type_name == "callback":
            return Callback(self, ident)
        return self.objects[ident]


class Callback:
    """A function of the grader's (say, the function a gradient checker differentiates),
    called from student code: the call goes back over the pipe and waits for the answer."""

    def __init__(self, worker, ident):
        self.worker, self.ident = worker, ident

    def __call__(self, *args, **kwargs):
        self.worker.reply({"callback": self.ident, "args": list(args), "kwargs": kwargs})
        answer = self.worker.receive()
        if "err" in answer:
            raise RuntimeError(f"the grader's function raised: {answer['err']}")
        return answer["ok"]


def describe(exc):
    try:
        message, trace = str(exc), "".join(traceback.format_exception(exc))
    except Exception:  # an exception whose __str__ itself fails
        message, trace = "(the exception could not be printed)", ""
    return {"type": type(exc).__name__, "message": message[:4000], "traceback": trace[-6000:]}


# ---------------------------------------------------------------------- models

def plain_value(obj):
    """What crosses for an object that is not plain data: a tensor's array, a model's file.

    A model goes as a ``.keras`` file only when every layer in it is minikeras's own
    class; the grader could not rebuild a student's layer class, so such a model stays
    here and the grader gets a handle."""
    minikeras = sys.modules.get("minikeras")
    if minikeras is None:
        return None
    if isinstance(obj, minikeras.models.Model):
        if not all(type(layer).__module__.startswith("minikeras.") for layer in _all_layers(obj)):
            return None
        with tempfile.TemporaryDirectory(dir=os.getcwd()) as folder:
            path = os.path.join(folder, "model.keras")
            obj.save(path)
            with open(path, "rb") as f:
                return wire.ModelBytes(f.read())
    value = getattr(obj, "value", None) if type(obj).__module__.startswith("minikeras.") else None
    if type(value) is np.ndarray:  # an eager Tensor or a Variable
        return value
    return None


def _all_layers(model):
    yield model
    for layer in getattr(model, "layers", []):
        yield from _all_layers(layer)


def load_model_bytes(data):
    import minikeras  # noqa: PLC0415 (only when the grader actually sends a model)

    with tempfile.TemporaryDirectory(dir=os.getcwd()) as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return minikeras.models.load_model(path, safe_mode=False)


# ---------------------------------------------------------------------- tripwires

def install_tripwires(forbid):
    """Replace each library function an exercise asks the student to write.

    ``forbid`` maps a dotted name (``minikeras.kernels.dense.dense_forward``) to the
    exercise that asks for it. Every reference to the original inside minikeras's
    modules is replaced, so a student who calls it directly or through a layer meets
    a ``ForbiddenCallError`` that says why.
    """
    for dotted, exercise in forbid.items():
        module_name, _, attr = dotted.rpartition(".")
        original = getattr(importlib.import_module(module_name), attr)
        message = (f"submission tried to call {dotted}, which exercise {exercise} asks you to "
                   "write yourself")
        if isinstance(original, type):
            def refuse_init(self, *args, _message=message, **kwargs):
                raise ForbiddenCallError(_message)
            original.__init__ = refuse_init
            continue

        def tripwire(*args, _message=message, **kwargs):
            raise ForbiddenCallError(_message)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("minikeras"):
                replace_references(vars(module), original, tripwire)


def replace_references(namespace, original, replacement):
    """Swap ``original`` for ``replacement`` in a module's names and in the module-level
    dicts and lists that look functions up by name (``activations.get("relu")``)."""
    for name, value in list(namespace.items()):
        if value is original:
            namespace[name] = replacement
        elif type(value) is dict:
            for key, item in list(value.items()):
                if item is original:
                    value[key] = replacement
        elif type(value) is list:
            value[:] = [replacement if item is original else item for item in value]


def main():
    read_fd, write_fd = int(sys.argv[1]), int(sys.argv[2])
    worker = Worker(read_fd, write_fd)
    worker.start()
    worker.serve()
    os._exit(0)  # no atexit handlers of student code after the grader is done


if __name__ == "__main__":
    main()
