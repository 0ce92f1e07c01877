"""Run one converted seed example in a fresh minikeras session and return its globals and output."""
import contextlib
import io
import os
from pathlib import Path

import minikeras

HERE = Path(__file__).parent


def run_example(name, workdir):
    """Execute ``tests/seed_examples/<name>.py`` inside ``workdir``; returns (globals, stdout)."""
    minikeras.backend.clear_session()
    minikeras.utils.set_random_seed(0)
    source = (HERE / f"{name}.py").read_text()
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, str(HERE / f"{name}.py"), "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace, out.getvalue()
