"""pytest configuration for the minikeras exercises.

Tests import your code with plain imports (``from activations import relu``).
The minikeras plugin puts the ``ch*/`` folders next to this file on sys.path,
after the folders the environment variable MINIKERAS_SUBMISSION names, if any
(a submission's files come first; these folders supply the rest: the
``probes_chNN.py`` modules, helpers, and stubs for files a submission lacks).
When minikeras-grade grades, student code runs in a separate process instead.
"""

import os
from pathlib import Path

os.environ.setdefault("MINIKERAS_SUBMISSION", str(Path(__file__).resolve().parent))
os.environ.setdefault("MINIKERAS_EXERCISES", str(Path(__file__).resolve().parent))

pytest_plugins = ["minikeras.autograde.plugin"]
