"""Training-step time of two versions of minikeras, side by side in one process.

A refactoring must not slow the training step, but on a shared machine two runs minutes
apart can differ by 2x. So this script imports both versions at once, as two packages
(``mk_before`` and ``mk_after``, copied into a temporary directory; minikeras imports
itself only relatively, so a copy under another name works), builds the same seed model
with each, and times their ``train_on_batch`` in interleaved rounds with ``bench.py``'s
``interleaved``: both versions see the same load. The figure to read is the median over
rounds of (after round median / before round median).

    cd /work/main && /work/venv/bin/python benchmarks/ab.py HEAD~3            # vs the working tree
    /work/venv/bin/python benchmarks/ab.py main my-branch --models mlp cnn --repeat 3

``BEFORE`` and ``AFTER`` are git revisions of this repository; AFTER defaults to the
working tree. Only minikeras runs (no PyTorch, no Keras). ``--method`` times another call
than ``train_on_batch``: ``predict_on_batch`` on the same batch, or ``predict`` over
10,000 rows of the model's input (batch size 32, as Keras's default).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

PREDICT_ROWS = 10_000
ROUNDS = {"mlp": (30, 20), "cnn": (12, 4), "lstm": (20, 10), "resnet": (8, 3), "mnist_mlp": (30, 10)}


def copy_package(revision, name, into):
    """minikeras at ``revision`` (None: the working tree) as package ``name`` in ``into``."""
    if revision is None:
        shutil.copytree(os.path.join(ROOT, "minikeras"), os.path.join(into, name),
                        ignore=shutil.ignore_patterns("__pycache__"))
        return
    archive = subprocess.run(["git", "-C", ROOT, "archive", revision, "minikeras"], check=True,
                             stdout=subprocess.PIPE).stdout
    unpack = os.path.join(into, "_" + name)
    os.makedirs(unpack)
    subprocess.run(["tar", "-x", "-C", unpack], input=archive, check=True)
    os.rename(os.path.join(unpack, "minikeras"), os.path.join(into, name))


def step_function(model, method, x, y):
    """The call ``--method`` times, on one model."""
    if method == "train_on_batch":
        return lambda: model.train_on_batch(x, y)
    if method == "predict_on_batch":
        return lambda: model.predict_on_batch(x)
    rows = np.random.default_rng(0).random((PREDICT_ROWS,) + x.shape[1:], dtype=np.float32)
    return lambda: model.predict(rows, verbose=0)


def compare(model_name, before, after, method="train_on_batch"):
    import bench
    import models as M
    x, y = M.batch(model_name)
    steps = {}
    for label, package in (("before", before), ("after", after)):
        steps[label] = step_function(M.build_keras(model_name, package), method, x, y)
    rounds, per_round = ROUNDS[model_name]
    if method == "predict":   # 10,000 rows: one call is a few hundred batches
        rounds, per_round = max(6, rounds // 4), 2
    medians, alltimes = bench.interleaved(steps, rounds, per_round, warm=5, settle=0.05)
    ratios = [a / b for a, b in zip(medians["after"], medians["before"])]
    return {"before_ms": 1000 * statistics.median(medians["before"]),
            "after_ms": 1000 * statistics.median(medians["after"]),
            "before_min_ms": 1000 * min(alltimes["before"]), "after_min_ms": 1000 * min(alltimes["after"]),
            "ratio": statistics.median(ratios)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before", help="git revision")
    p.add_argument("after", nargs="?", help="git revision (default: the working tree)")
    p.add_argument("--models", nargs="+", default=["mlp", "cnn"], choices=sorted(ROUNDS))
    p.add_argument("--repeat", type=int, default=1, help="comparisons per model")
    p.add_argument("--method", default="train_on_batch", choices=["train_on_batch", "predict_on_batch", "predict"])
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="mk-ab-")
    try:
        copy_package(args.before, "mk_before", work)
        copy_package(args.after, "mk_after", work)
        sys.path.insert(0, work)
        import mk_after
        import mk_before
        for model_name in args.models:
            for _ in range(args.repeat):
                result = compare(model_name, mk_before, mk_after, args.method)
                print(json.dumps({"model": model_name, "method": args.method, **{k: round(v, 4) for k, v in result.items()},
                                  "loadavg": os.getloadavg()}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
