"""pytest configuration for the minikeras exercises.

Tests import your code with plain imports (``from activations import relu``).
The minikeras plugin puts the ``ch*/`` folders next to this file on sys.path,
unless the environment variable MINIKERAS_SUBMISSION names other directories
(the grader sets it to the submission being graded).
"""

import os
from pathlib import Path

os.environ.setdefault("MINIKERAS_SUBMISSION", str(Path(__file__).resolve().parent))

pytest_plugins = ["minikeras.autograde.plugin"]
