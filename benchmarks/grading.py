"""Time `minikeras-grade` on the whole course, for one or more checkouts of minikeras.

    python benchmarks/grading.py CHECKOUT [CHECKOUT ...] [--rounds N] [--submission solutions]

Each CHECKOUT is a folder with `minikeras/` and `exercises/` (a git worktree of an older
commit, say). The rounds alternate between the checkouts, so a busy machine slows them
alike. Each run grades the checkout's own `exercises/solutions` (or its stubs with
`--submission stubs`) with its own grader; the first run of each checkout also compiles
its kernels, so report the later rounds. Prints one line per run and the median per
checkout.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def grade_once(checkout, submission):
    exercises = Path(checkout) / "exercises"
    target = exercises / "solutions" if submission == "solutions" else exercises
    env = dict(os.environ, PYTHONPATH=str(checkout))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "minikeras.autograde.grade", str(target),
                               "--exercises", str(exercises), "--results", f"{tmp}/results.json"],
                              env=env, cwd=tmp, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    total = [line for line in done.stdout.splitlines() if line.startswith("TOTAL")]
    return seconds, (total[0].split()[1] if total else f"exit {done.returncode}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--submission", choices=["solutions", "stubs"], default="solutions")
    args = parser.parse_args()
    times = {c: [] for c in args.checkouts}
    for round_number in range(args.rounds):
        for checkout in args.checkouts:
            seconds, score = grade_once(checkout, args.submission)
            times[checkout].append(seconds)
            load = os.getloadavg()[0]
            print(f"round {round_number + 1}  {checkout}: {seconds:.1f} s  score {score}  load {load:.1f}",
                  flush=True)
    for checkout, values in times.items():
        later = values[1:] or values
        print(f"median {checkout}: {statistics.median(later):.1f} s over {len(later)} run(s)")


if __name__ == "__main__":
    main()
