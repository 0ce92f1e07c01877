"""Autograding for the minikeras exercises.

* ``plugin``  -- pytest plugin: the ``exercise`` marker, submission path, result events.
* ``grade``   -- ``minikeras-grade SUBMISSION``: per-exercise subprocesses, table, results.json.
* ``release`` -- ``minikeras-release OUT_DIR``: the student copy, checked for leaked solutions.

The exercise layout and conventions are documented in ``exercises/README.md``.
"""
