"""Autograding for the minikeras exercises.

Student code is untrusted: while grading it runs only in a worker process, and the
process that owns the tests sees nothing of it but plain data.

* ``plugin``    -- pytest plugin: the ``exercise`` marker, submission path, result events.
* ``grade``     -- ``minikeras-grade SUBMISSION``: per-exercise subprocesses, table, results.json.
* ``remote``    -- the tests' side of the boundary: student modules answered by the worker.
* ``worker``    -- the student's side: runs their code, answers with data.
* ``wire``      -- what may cross the boundary, and the strict decoder the grader uses.
* ``sandbox``   -- starting the worker (another user, private mounts, limits) and ending it.
* ``forbidden`` -- "implement X" exercises: the submission must not use minikeras's X.
* ``release``   -- ``minikeras-release``: the student copy, the Gradescope zip, GitHub Classroom.

Before any clock starts the grader compiles every kernel once with ``minikeras warmup``
(``minikeras/utils/warmup.py``, shared with the learner's command).

The exercise layout, conventions and threat model are in ``exercises/README.md``.
"""
