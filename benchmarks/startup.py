"""Cold and warm start of minikeras, with per-kernel compile times, and a scaling table.

Run from the repository root with the repository on the path (torch for the PyTorch rows):

    cd /work/main && PYTHONPATH=$PWD /work/kvenv/bin/python benchmarks/startup.py --parts start scaling

Parts (``--parts``):

* ``start``    A new process imports the framework, builds and compiles the seed CNN and
  runs one training step. minikeras cold: ``NUMBA_CACHE_DIR`` is a new empty directory, so
  every kernel the step needs compiles; warm: the same directory again, filled by the cold
  run; PyTorch (2 threads) for scale. The runs alternate (cold, warm, PyTorch, cold, ...)
  so that all see the same machine load. Wall time of the whole process (interpreter start
  included), its CPU time (user + system, all threads: less disturbed by other programs on
  a shared machine than wall time) and its parts measured inside; inside every cold run a
  numba event listener records the CPU time of the compiling thread for each kernel
  (exclusive of the kernels compiled inside it, when first called from it).
  ``--trees A B`` runs the minikeras rows once per source tree (alternating), to compare
  a change with its base in the same minutes.
* ``warmup``   the same cold start, but a ``minikeras warmup`` run fills the cache first
  (its own wall time is reported), so the first step should compile nothing.
* ``scaling``  one training step (forward, backward, RMSprop update, mean squared error) of
  a single Dense layer (relu) and a single Conv2D layer (3x3 same, relu), minikeras
  beside PyTorch eager (2 threads) in the same process, interleaved rounds; batch size
  8 -> 512 at a fixed width, and width (units / filters) 64 -> 4096 (conv: 8 -> 128
  filters) at a fixed batch. The ratio is the median over rounds of
  (minikeras round median / PyTorch round median).

Prints markdown; ``--json PATH`` writes the raw numbers too. Timing belongs here, never in
the unit tests.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import byte_compile  # noqa: E402 (benchmarks/ is not a package: on the path just above)

# ============================================================================ start
# The listener is installed before minikeras is imported, so it sees every compilation.
# numba fires "numba:compile" only on a cache miss (a kernel loaded from the cache fires
# nothing), with the dispatcher and the argument types.
START_SNIPPET = r"""
import time, json, sys
t0 = time.perf_counter()
sys.path.insert(0, {here!r})
{listener}
import numpy as np
{imports}
t1 = time.perf_counter()
import models as M
x, y = M.batch("cnn")
{build}
t2 = time.perf_counter()
{step}
t3 = time.perf_counter()
out = {{"import": t1 - t0, "build": t2 - t1, "first_step": t3 - t2}}
{report}
print(json.dumps(out))
"""

LISTENER = r"""
from numba.core import event as _ev
_stack, _compiled = [], []
class _Timer(_ev.Listener):
    def on_start(self, event):
        _stack.append([time.thread_time(), 0.0])
    def on_end(self, event):
        start, inner = _stack.pop()
        total = time.thread_time() - start
        if _stack:
            _stack[-1][1] += total
        d = event.data["dispatcher"]
        _compiled.append((d.py_func.__module__ + "." + d.py_func.__qualname__, str(tuple(event.data["args"])),
                          total - inner))
_ev.register("numba:compile", _Timer())
"""

START_CODE = {
    "minikeras": dict(imports="import minikeras", build="m = M.build_keras('cnn', minikeras)",
                      step="m.train_on_batch(x, y)", listener=LISTENER,
                      report='out["compiled"] = _compiled'),
    "pytorch": dict(imports="import torch; torch.set_num_threads(2)",
                    build="m, opt = M.build_torch('cnn'); xt, yt = M.torch_batch('cnn', x, y)",
                    step="opt.zero_grad(); l = ((m(xt) - yt) ** 2).mean(); l.backward(); opt.step(); l.item()",
                    listener="", report=""),
}


def split_variant(variant):
    """'TREE' or 'TREE:VAR=value,VAR=value' -> (tree, {VAR: value})."""
    tree, _, settings = variant.partition(":")
    return tree, dict(kv.split("=", 1) for kv in settings.split(",") if kv)


def run_once(framework, cache_dir, variant=ROOT):
    """One new process; returns its parts and wall time (seconds)."""
    code = START_SNIPPET.format(here=HERE, **START_CODE[framework])
    tree, settings = split_variant(variant)
    env = dict(os.environ, PYTHONPATH=tree, **settings)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=tree)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    parts = json.loads(proc.stdout.strip().splitlines()[-1])
    parts["wall"] = wall
    parts["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parts


def warmup_command(cache_dir, variant=ROOT):
    """Wall seconds of ``python -m minikeras warmup`` into ``cache_dir``."""
    tree, settings = split_variant(variant)
    env = dict(os.environ, PYTHONPATH=tree, NUMBA_CACHE_DIR=cache_dir, **settings)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "minikeras", "warmup", "--quiet"], env=env, check=True, cwd=tree)
    return time.perf_counter() - t


def median_parts(runs):
    keys = [k for k in runs[0] if isinstance(runs[0][k], float)]
    return {k: statistics.median(r[k] for r in runs) for k in keys} | {
        "n": len(runs), "all_wall": [round(r["wall"], 3) for r in runs]}


def kernel_times(runs):
    """Median compile seconds per kernel (summed over its signatures) over the cold runs."""
    per_run = []
    for r in runs:
        sums = {}
        for name, _args, seconds in r.get("compiled", []):
            sums[name] = sums.get(name, 0.0) + seconds
        per_run.append(sums)
    names = sorted({n for s in per_run for n in s})
    signatures = {}
    for name, args, _ in runs[0].get("compiled", []):
        signatures.setdefault(name, []).append(args)
    return {n: {"s": statistics.median(s.get(n, 0.0) for s in per_run), "signatures": len(signatures.get(n, []))}
            for n in sorted(names, key=lambda n: -statistics.median(s.get(n, 0.0) for s in per_run))}


def run_start(args):
    trees = args.trees or [ROOT]
    for tree in trees:
        byte_compile(split_variant(tree)[0])
    cold = {t: [] for t in trees}
    warm = {t: [] for t in trees}
    torch_runs = []
    loads = [os.getloadavg()]
    for _ in range(args.reps):
        for tree in trees:
            cache = tempfile.mkdtemp(prefix="mk-numba-cache-")
            try:
                cold[tree].append(run_once("minikeras", cache, tree))
                warm[tree].append(run_once("minikeras", cache, tree))
                warm[tree].append(run_once("minikeras", cache, tree))
            finally:
                shutil.rmtree(cache, ignore_errors=True)
        if args.torch:
            torch_runs.append(run_once("pytorch", None))
        loads.append(os.getloadavg())
        print(f"# start rep done, load {os.getloadavg()}", file=sys.stderr, flush=True)
    out = {"load": loads, "trees": {}}
    for tree in trees:
        out["trees"][tree] = {"cold": median_parts(cold[tree]), "warm": median_parts(warm[tree]),
                              "kernels": kernel_times(cold[tree]),
                              "compiles_in_warm": max(len(r.get("compiled", [])) for r in warm[tree])}
    if torch_runs:
        out["pytorch"] = median_parts(torch_runs)
    return out


def run_warmup(args):
    """Cold cache, `minikeras warmup`, then the seed CNN's start: it should compile nothing."""
    tree = (args.trees or [ROOT])[0]
    byte_compile(split_variant(tree)[0])
    walls, starts = [], []
    for _ in range(args.reps):
        cache = tempfile.mkdtemp(prefix="mk-numba-cache-")
        try:
            walls.append(warmup_command(cache, tree))
            starts.append(run_once("minikeras", cache, tree))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return {"warmup_wall": statistics.median(walls), "all_warmup_wall": [round(w, 2) for w in walls],
            "start_after": median_parts(starts),
            "compiled_after": sorted({c[0] for r in starts for c in r.get("compiled", [])})}


# ============================================================================ scaling
def scaling_cases(args):
    """(family, batch, width, input shape, layer size) rows of the table."""
    rows = []
    for b in args.batches:
        rows.append(("dense", b, args.dense_width))
    for w in args.widths:
        rows.append(("dense", args.fixed_batch, w))
    for b in args.batches:
        rows.append(("conv", b, args.conv_filters))
    for f in args.filters:
        rows.append(("conv", args.fixed_batch, f))
    return rows


def run_scaling(args):
    import numpy as np
    import torch
    torch.set_num_threads(2)
    import minikeras as keras
    from bench import interleaved, summarize

    out = []
    loads = [os.getloadavg()]
    for family, batch, width in scaling_cases(args):
        rng = np.random.default_rng(0)
        if family == "dense":
            # Dense(width) on width inputs: a square weight, batch x width @ width x width
            x = rng.standard_normal((batch, width), dtype=np.float32)
            y = rng.standard_normal((batch, width), dtype=np.float32)
            inp = keras.Input((width,))
            model = keras.Model(inp, keras.layers.Dense(width, activation="relu")(inp))
            tmod = torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.ReLU())
            xt, yt = torch.from_numpy(x), torch.from_numpy(y)
            flops = 3 * 2 * batch * width * width
        else:
            # Conv2D(width, 3, same) on a 32x32 image with 16 channels
            hw, cin = args.conv_size, args.conv_channels
            x = rng.standard_normal((batch, hw, hw, cin), dtype=np.float32)
            y = rng.standard_normal((batch, hw, hw, width), dtype=np.float32)
            inp = keras.Input((hw, hw, cin))
            model = keras.Model(inp, keras.layers.Conv2D(width, 3, padding="same", activation="relu")(inp))
            tmod = torch.nn.Sequential(torch.nn.Conv2d(cin, width, 3, padding=1), torch.nn.ReLU())
            xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
            yt = torch.from_numpy(np.ascontiguousarray(y.transpose(0, 3, 1, 2)))
            flops = 3 * 2 * batch * hw * hw * 9 * cin * width
        model.compile(optimizer="rmsprop", loss="mse")
        opt = torch.optim.RMSprop(tmod.parameters(), lr=1e-3)

        def torch_step(tmod=tmod, opt=opt, xt=xt, yt=yt):
            opt.zero_grad()
            loss = ((tmod(xt) - yt) ** 2).mean()
            loss.backward()
            opt.step()
            return loss.item()

        # fewer rounds for the large cases, so the table stays within minutes
        per_round = args.per_round if flops < 2e9 else max(2, args.per_round // 2)
        steps = {"minikeras": lambda model=model, x=x, y=y: model.train_on_batch(x, y), "pytorch": torch_step}
        res = summarize(interleaved(steps, args.rounds, per_round, settle=args.settle))
        row = {"family": family, "batch": batch, "width": width, "gflop": flops / 1e9,
               "minikeras_ms": res["minikeras"]["ms"], "pytorch_ms": res["pytorch"]["ms"],
               "ratio": res["pytorch"]["ratio"], "min_ratio": res["pytorch"]["min_ratio"]}
        out.append(row)
        loads.append(os.getloadavg())
        print(f"# {family} batch {batch} width {width}: mk {row['minikeras_ms']:.3f} ms, torch "
              f"{row['pytorch_ms']:.3f} ms, ratio {row['ratio']:.2f}, load {os.getloadavg()[0]:.2f}",
              file=sys.stderr, flush=True)
    return {"rows": out, "load": loads}


# ============================================================================ report
def f2(v):
    return "n/a" if v is None else (f"{v:.2f}" if v < 100 else f"{v:.0f}")


def report(res):
    lines = [f"- {res['date']}, command: `{res['command']}`"]
    if "start" in res:
        s = res["start"]
        lines.append(f"- load average during the start runs: {[tuple(round(v, 2) for v in l) for l in s['load']]}")
        lines += ["", "| start of the seed CNN (new process) | wall s | CPU s | import s | build+compile s "
                      "| first training step s | runs | all wall s |", "|---|---|---|---|---|---|---|---|"]
        for tree, t in s["trees"].items():
            for kind in ("cold", "warm"):
                r = t[kind]
                lines.append(f"| minikeras {kind} ({tree}) | {f2(r['wall'])} | {f2(r['cpu'])} | {f2(r['import'])} "
                             f"| {f2(r['build'])} "
                             f"| {f2(r['first_step'])} | {r['n']} | {r['all_wall']} |")
        if "pytorch" in s:
            r = s["pytorch"]
            lines.append(f"| PyTorch | {f2(r['wall'])} | {f2(r['cpu'])} | {f2(r['import'])} | {f2(r['build'])} "
                         f"| {f2(r['first_step'])} | {r['n']} | {r['all_wall']} |")
        for tree, t in s["trees"].items():
            lines += ["", f"Kernels compiled in the cold first step ({tree}), CPU seconds of the compiling thread, exclusive, median over runs; "
                          f"kernels compiled in a warm run: {t['compiles_in_warm']}", "",
                      "| kernel | compile s | signatures |", "|---|---|---|"]
            for name, k in t["kernels"].items():
                lines.append(f"| `{name}` | {k['s']:.3f} | {k['signatures']} |")
            lines.append(f"| total | {sum(k['s'] for k in t['kernels'].values()):.3f} | "
                         f"{sum(k['signatures'] for k in t['kernels'].values())} |")
    if "warmup" in res:
        w = res["warmup"]
        lines += ["", f"- `python -m minikeras warmup` into an empty cache: {w['warmup_wall']:.2f} s "
                      f"(runs {w['all_warmup_wall']}); the seed CNN's start after it: wall "
                      f"{w['start_after']['wall']:.2f} s, first step {w['start_after']['first_step']:.2f} s, "
                      f"kernels compiled: {w['compiled_after'] or 'none'}"]
    if "scaling" in res:
        sc = res["scaling"]
        lines.append(f"- load average during the scaling runs: from {tuple(round(v, 2) for v in sc['load'][0])} "
                     f"to {tuple(round(v, 2) for v in sc['load'][-1])}, 1-min max "
                     f"{max(l[0] for l in sc['load']):.2f}")
        lines += ["", "| layer | batch | width | GFLOP per step | minikeras ms | pytorch ms | ratio | ratio of fastest |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in sc["rows"]:
            lines.append(f"| {r['family']} | {r['batch']} | {r['width']} | {r['gflop']:.3f} | {f2(r['minikeras_ms'])} "
                         f"| {f2(r['pytorch_ms'])} | {r['ratio']:.2f} | {r['min_ratio']:.2f} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", nargs="+", default=["start", "warmup", "scaling"],
                   choices=["start", "warmup", "scaling"])
    p.add_argument("--reps", type=int, default=3, help="cold starts per tree (each followed by 2 warm)")
    p.add_argument("--trees", nargs="+", help="source trees to compare (default: this repository), each "
                   "optionally with environment settings: TREE:VAR=value,VAR=value")
    p.add_argument("--no-torch", dest="torch", action="store_false", help="skip the PyTorch start rows")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--per-round", type=int, default=5)
    p.add_argument("--settle", type=float, default=0.2)
    p.add_argument("--batches", type=int, nargs="+", default=[8, 32, 128, 512])
    p.add_argument("--widths", type=int, nargs="+", default=[64, 256, 1024, 4096])
    p.add_argument("--filters", type=int, nargs="+", default=[8, 32, 128])
    p.add_argument("--dense-width", type=int, default=256, help="Dense width of the batch rows")
    p.add_argument("--conv-filters", type=int, default=32, help="conv filters of the batch rows")
    p.add_argument("--fixed-batch", type=int, default=64, help="batch of the width rows")
    p.add_argument("--conv-size", type=int, default=32)
    p.add_argument("--conv-channels", type=int, default=16)
    p.add_argument("--json")
    args = p.parse_args()
    args.trees = [os.path.abspath(split_variant(t)[0]) + t[len(split_variant(t)[0]):] for t in args.trees] \
        if args.trees else None
    from datetime import datetime, timezone
    res = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "command": " ".join([os.path.basename(sys.executable)] + sys.argv)}
    for part in args.parts:
        res[part] = globals()[f"run_{part}"](args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    print(report(res))


if __name__ == "__main__":
    main()
