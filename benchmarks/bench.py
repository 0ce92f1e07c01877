"""minikeras next to PyTorch eager and Keras 3, pair by pair, on the seed models.

Run from the repository root in a venv that has torch and keras (and jax for the
Keras jax backend), with the repository on the path:

    cd /work/main && PYTHONPATH=/work/main /work/kvenv/bin/python benchmarks/bench.py

Parts (``--parts``, default all but ``tests``):

* ``steps``  one training step (forward, backward, RMSprop update; ``train_on_batch`` after
  ``compile('rmsprop', 'mse')``) and one inference batch (``predict_on_batch``; PyTorch under
  ``no_grad`` in eval mode). One worker process per Keras backend (KERAS_BACKEND is fixed at
  import); each worker times minikeras, PyTorch (2 threads) and Keras in the same process,
  interleaved in rounds, so the three see the same machine load. A ratio is the median over
  rounds of (minikeras round median / peer round median).
* ``start``  cold start of the seed CNN (a new process: import, build, compile, first training
  step, with an empty NUMBA_CACHE_DIR) and warm start (the same with the cache filled).
* ``memory`` peak resident memory (ru_maxrss) of a process that trains one model for N steps.
* ``gemm``   a Dense forward and a convolution's im2col GEMM against a bare numpy matmul of the
  same shapes (float32 GFLOP/s).
* ``predict`` ``model.predict`` over 10,000 MNIST-shaped rows against PyTorch's loop over the
  same batches of 32 (not in the default parts).
* ``tests``  wall time of ``python -m pytest -q -p no:cacheprovider`` (once).

Cold/warm start with per-kernel compile times, ``minikeras warmup`` and the scaling table
(step time vs batch and width, Dense and conv) are in ``benchmarks/startup.py``.

Prints a markdown report; ``--json PATH`` also writes the raw numbers.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

MODELS = ["mlp", "cnn", "lstm", "resnet", "mnist_mlp"]
LABELS = {"mlp": "seed MLP", "cnn": "seed CNN", "lstm": "seed LSTM", "resnet": "toy ResNet",
          "mnist_mlp": "MNIST MLP"}


# ============================================================================ timing helpers
ROUND_WARMUP = 0.1  # seconds of untimed calls at the start of every round (see interleaved)
def _time_calls(fn, n):
    """Seconds per call of n consecutive calls."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def interleaved(fns, rounds, per_round, warm=3, settle=0.0, round_warmup=ROUND_WARMUP):
    """Time the callables of ``fns`` (name -> fn) in alternating rounds.

    Each round first runs its callable untimed for ``round_warmup`` seconds (at least once),
    then times ``per_round`` calls, in an order that rotates from round to round. Before each
    framework's round the process sleeps ``settle`` seconds, so that the previous framework's
    BLAS/OpenMP worker threads, which spin for a while after their last task, have gone to
    sleep and do not steal CPU time from the next one. Returns {name: [round medians]} and
    {name: [all times]}.

    Why the warm-up: a training loop is never idle between steps, but after a sleep this
    2-vCPU guest answers a thread hand-off slowly for the next 50-100 ms of work. Measured
    (2026-12-05, one Conv2D(32, 3, 'same') training step, batch 8, 7 rounds of 5 steps after
    0.2 s sleeps): minikeras 3.00 / 2.93 / 1.96 ms per step with 0 / 0.03 / 0.1 s of warm-up,
    PyTorch 2.06 / 1.91 / 2.12 ms (PyTorch's OpenMP threads wait spinning; minikeras's pool
    thread sleeps, see kernels/threads.py). With one thread minikeras takes 2.7 ms whether or
    not it slept. Until then only the first call of a round was dropped; so the figures
    measured before 2026-12-05 include that slow start, for both frameworks.
    """
    names = list(fns)
    for name in names:
        for _ in range(warm):
            fns[name]()
    medians = {name: [] for name in names}
    alltimes = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            if settle:
                time.sleep(settle)
            until = time.perf_counter() + round_warmup
            fns[name]()
            while time.perf_counter() < until:
                fns[name]()
            times = _time_calls(fns[name], per_round)
            medians[name].append(statistics.median(times))
            alltimes[name].extend(times)
    return medians, alltimes


def summarize(timed, base="minikeras"):
    """ms per step (median of the round medians; also the fastest step) and ratios base/peer
    (median over rounds of the ratio of the round medians; also the ratio of the fastest steps)."""
    medians, alltimes = timed
    out = {}
    for name, values in medians.items():
        out[name] = {"ms": 1000 * statistics.median(values), "min_ms": 1000 * min(alltimes[name])}
        if name != base:
            ratios = [b / p for b, p in zip(medians[base], values)]
            out[name]["ratio"] = statistics.median(ratios)
            out[name]["min_ratio"] = min(alltimes[base]) / min(alltimes[name])
    return out


# ============================================================================ steps worker
def worker_steps(args):
    """Runs inside one process with KERAS_BACKEND set: minikeras, torch, keras per model."""
    import torch
    torch.set_num_threads(2)
    import keras
    import minikeras
    import models as M

    result = {"backend": keras.backend.backend(), "keras": keras.__version__, "torch": torch.__version__,
              "models": {}}
    for name in args.models:
        x, y = M.batch(name)
        mk = M.build_keras(name, minikeras)
        kr = M.build_keras(name, keras)
        tm, opt = M.build_torch(name)
        xt, yt = M.torch_batch(name, x, y)

        def torch_step():
            opt.zero_grad()
            loss = ((tm(xt) - yt) ** 2).mean()
            loss.backward()
            opt.step()
            return loss.item()

        def torch_infer():
            with torch.no_grad():
                return tm(xt).numpy()

        steps = {"minikeras": lambda: mk.train_on_batch(x, y),
                 "pytorch": torch_step,
                 "keras": lambda: kr.train_on_batch(x, y)}
        tm.train()
        train = summarize(interleaved(steps, args.rounds, args.per_round, settle=args.settle))
        tm.eval()
        infer = {"minikeras": lambda: mk.predict_on_batch(x),
                 "pytorch": torch_infer,
                 "keras": lambda: kr.predict_on_batch(x)}
        inference = summarize(interleaved(infer, args.rounds, args.per_round, settle=args.settle))
        result["models"][name] = {"train": train, "infer": inference}
        print(f"# {result['backend']}: {name} train " +
              ", ".join(f"{k} {v['ms']:.3f} ms" for k, v in train.items()), file=sys.stderr, flush=True)
    json.dump(result, sys.stdout)


def run_steps(args):
    """One worker per installed Keras backend; merge their numbers."""
    out = {}
    for backend in args.backends:
        if backend == "jax" and not _importable("jax"):
            out[backend] = {"missing": "jax is not installed in this venv"}
            continue
        env = dict(os.environ, KERAS_BACKEND=backend)
        cmd = [sys.executable, __file__, "--worker", "steps", "--models", *args.models,
               "--rounds", str(args.rounds), "--per-round", str(args.per_round), "--settle", str(args.settle)]
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)  # progress on stderr
        if proc.returncode:
            out[backend] = {"error": f"worker exited with {proc.returncode}"}
            continue
        out[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _importable(module):
    import importlib.util
    return importlib.util.find_spec(module) is not None


# ============================================================================ cold / warm start
START_SNIPPET = r"""
import time, json, sys
t0 = time.perf_counter()
sys.path.insert(0, {here!r})
import numpy as np
{imports}
t1 = time.perf_counter()
import models as M
x, y = M.batch("cnn")
{build}
t2 = time.perf_counter()
{step}
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "build": t2 - t1, "first_step": t3 - t2}}))
"""

START_CODE = {
    "minikeras": dict(imports="import minikeras", build="m = M.build_keras('cnn', minikeras)",
                      step="m.train_on_batch(x, y)"),
    "pytorch": dict(imports="import torch; torch.set_num_threads(2)",
                    build="m, opt = M.build_torch('cnn'); xt, yt = M.torch_batch('cnn', x, y)",
                    step="opt.zero_grad(); l = ((m(xt) - yt) ** 2).mean(); l.backward(); opt.step(); l.item()"),
}


def _run_start(framework, cache_dir):
    code = START_SNIPPET.format(here=HERE, **START_CODE[framework])
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    parts = json.loads(proc.stdout.strip().splitlines()[-1])
    parts["wall"] = wall
    return parts


def byte_compile(tree):
    """Write the bytecode of ``tree``'s minikeras, as pip does for the packages it installs
    (PyTorch's, numpy's, numba's): in an environment with PYTHONDONTWRITEBYTECODE set (this
    machine's is) a checkout never gets it, and every start would compile minikeras's ~180
    modules again (0.2 s; ``minikeras warmup`` writes it for a learner, utils/warmup.py)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(tree, "minikeras")], check=True,
                   stdout=subprocess.DEVNULL)


def run_start(args):
    """Cold: a fresh NUMBA_CACHE_DIR each time; warm: the cache the cold run filled."""
    byte_compile(ROOT)
    cold, warm, torch_runs = [], [], []
    for _ in range(args.start_reps):
        cache = tempfile.mkdtemp(prefix="mk-numba-cache-")
        try:
            cold.append(_run_start("minikeras", cache))
            for _ in range(2):
                warm.append(_run_start("minikeras", cache))
                torch_runs.append(_run_start("pytorch", None))
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    def med(runs):
        return {k: statistics.median(r[k] for r in runs) for k in runs[0]} | {"n": len(runs),
                                                                                 "all_wall": [r["wall"] for r in runs]}
    return {"cold": med(cold), "warm": med(warm), "pytorch": med(torch_runs)}


# ============================================================================ memory
MEMORY_SNIPPET = r"""
import resource, json, sys
sys.path.insert(0, {here!r})
import numpy as np
import models as M
{imports}
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
x, y = M.batch({name!r})
{build}
for _ in range({steps}):
    {step}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"after_import_mb": base / 1024, "peak_mb": peak / 1024}}))
"""

MEMORY_CODE = {
    "minikeras": dict(imports="import minikeras", build="m = M.build_keras({name!r}, minikeras)",
                      step="m.train_on_batch(x, y)"),
    "pytorch": dict(imports="import torch; torch.set_num_threads(2)",
                    build="m, opt = M.build_torch({name!r}); xt, yt = M.torch_batch({name!r}, x, y)",
                    step="opt.zero_grad(); l = ((m(xt) - yt) ** 2).mean(); l.backward(); opt.step()"),
    "keras_torch": dict(imports="import os; os.environ['KERAS_BACKEND'] = 'torch'; import keras",
                        build="m = M.build_keras({name!r}, keras)", step="m.train_on_batch(x, y)"),
}


def run_memory(args):
    out = {}
    for name in args.models:
        out[name] = {}
        for fw, code in MEMORY_CODE.items():
            src = MEMORY_SNIPPET.format(here=HERE, name=name, steps=args.memory_steps,
                                        imports=code["imports"], build=code["build"].format(name=name),
                                        step=code["step"])
            proc = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True)
            if proc.returncode:
                out[name][fw] = {"error": proc.stderr[-1000:]}
                continue
            out[name][fw] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


# ============================================================================ GEMM throughput
def run_gemm(args):
    """GEMM-bound layer kernels vs a bare numpy matmul of the same shapes (same process, interleaved).

    minikeras's kernels run as inside a training step (BLAS limited by kernels/blas.py, large
    calls split over threads by kernels/threads.py); numpy runs with its BLAS's default thread
    count ("numpy") and with one thread ("numpy 1 thread")."""
    import numpy as np
    from minikeras.kernels import blas
    from minikeras.kernels import conv as conv_kernels
    from minikeras.kernels import dense as dense_kernels
    from minikeras.kernels.activations import RELU

    def one_blas_thread(fn):
        def run():
            saved = [(setter, getter()) for setter, getter in blas.blas_thread_controls()]
            for setter, _ in saved:
                setter(1)
            try:
                return fn()
            finally:
                for setter, previous in saved:
                    setter(previous)
        return run

    rng = np.random.default_rng(0)
    cases = {}
    # Dense (256, 1024) x (1024, 1024) with bias + relu, forward; backward is two GEMMs
    x = rng.standard_normal((256, 1024), dtype=np.float32)
    w = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal(1024, dtype=np.float32)
    flops = 2 * 256 * 1024 * 1024
    cases["Dense forward 256x1024 @ 1024x1024 (+bias, relu)"] = (flops, (lambda: dense_kernels.dense_forward(
        x, w, b, RELU)), lambda: x @ w)
    y = dense_kernels.dense_forward(x, w, b, RELU)
    dy = rng.standard_normal(y.shape, dtype=np.float32)
    cases["Dense backward, same shapes (dx and dW GEMMs)"] = (2 * flops, (lambda: dense_kernels.dense_backward(
        x, w, y, dy, RELU, True)), lambda: (dy @ w.T, x.T @ dy))
    # Convolutions of the seed models: the whole conv forward (im2col + GEMM + bias + relu)
    # against the GEMM alone on the im2col shapes (rows = batch*oh*ow, K = kh*kw*cin)
    for label, (xs, ks, pad) in {
        "toy-ResNet conv 64x9x9x64, 3x3 same, 64 filters": ((64, 9, 9, 64), (3, 3, 64, 64), "same"),
        "toy-ResNet conv 64x30x30x32, 3x3 valid, 64 filters": ((64, 30, 30, 32), (3, 3, 32, 64), "valid"),
        "seed-CNN conv 32x30x30x32, 4x4 valid, 16 filters": ((32, 30, 30, 32), (4, 4, 32, 16), "valid"),
    }.items():
        cx = rng.standard_normal(xs, dtype=np.float32)
        ck = rng.standard_normal(ks, dtype=np.float32)
        cb = rng.standard_normal(ks[-1], dtype=np.float32)
        oh = xs[1] if pad == "same" else xs[1] - ks[0] + 1
        ow = xs[2] if pad == "same" else xs[2] - ks[1] + 1
        rows, kk, n = xs[0] * oh * ow, ks[0] * ks[1] * ks[2], ks[3]
        cols = rng.standard_normal((rows, kk), dtype=np.float32)
        wm = ck.reshape(kk, n)
        cases[label + f" (GEMM {rows}x{kk} @ {kk}x{n})"] = (2 * rows * kk * n, (
            lambda cx=cx, ck=ck, cb=cb, pad=pad: conv_kernels.conv2d_forward(cx, ck, (1, 1), pad, (1, 1), 1, cb,
                                                                             RELU)),
            lambda cols=cols, wm=wm: cols @ wm)

    out = {}
    for label, (flops, mk, bare) in cases.items():
        fns = {"minikeras": blas.limited_blas_threads(mk), "numpy": bare, "numpy 1 thread": one_blas_thread(bare)}
        med, _ = interleaved(fns, args.gemm_rounds, 5, settle=0.1)
        res = {k: {"ms": 1000 * statistics.median(v), "gflops": flops / statistics.median(v) / 1e9}
               for k, v in med.items()}
        for peer in ("numpy", "numpy 1 thread"):
            res["fraction of " + peer] = statistics.median([p / m for m, p in zip(med["minikeras"], med[peer])])
        out[label] = res
        print(f"# gemm {label}: " + ", ".join(f"{k} {v['gflops']:.0f} GFLOP/s" for k, v in res.items()
                                               if isinstance(v, dict)), file=sys.stderr, flush=True)
    return out


# ============================================================================ predict over a dataset
PREDICT_ROWS = 10_000


def run_predict(args):
    """``model.predict`` over 10,000 MNIST-shaped rows (MNIST MLP, Keras's default batch of 32)
    against PyTorch's loop over the same batches (eval mode, ``no_grad``), interleaved in one
    process. Needs torch only (no Keras): ratio = minikeras / PyTorch, median over rounds."""
    import numpy as np
    import torch
    torch.set_num_threads(2)
    import minikeras
    import models as M

    rows = np.random.default_rng(0).random((PREDICT_ROWS, 784), dtype=np.float32)
    mk = M.build_keras("mnist_mlp", minikeras)
    tm, _ = M.build_torch("mnist_mlp")
    tm.eval()
    rows_t = torch.from_numpy(rows)

    def torch_loop():
        with torch.no_grad():
            return np.concatenate([tm(rows_t[i:i + 32]).numpy() for i in range(0, PREDICT_ROWS, 32)])

    timed = interleaved({"minikeras": lambda: mk.predict(rows, verbose=0), "pytorch": torch_loop},
                        args.predict_rounds, 2, warm=1, settle=args.settle)
    out = summarize(timed)
    print(f"# predict {PREDICT_ROWS} rows: " + ", ".join(f"{k} {v['ms']:.1f} ms" for k, v in out.items()),
          file=sys.stderr, flush=True)
    return out


# ============================================================================ test suite
def run_tests(args):
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    # With the project's addopts (-q) plus -q pytest prints progress characters and no summary
    # line: count them (. passed, s skipped, F failed, E error, x/X xfail/xpass).
    import re
    marks = "".join(m.group(1) for m in re.finditer(r"^([.sFExX]+)\s*(?:\[\s*\d+%\])?$", proc.stdout, re.M))
    counts = {name: marks.count(ch) for ch, name in (('.', 'passed'), ('s', 'skipped'), ('F', 'failed'),
                                                    ('E', 'errors'), ('x', 'xfailed'), ('X', 'xpassed'))}
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v) or proc.stdout.strip()[-300:]
    return {"wall_s": wall, "returncode": proc.returncode, "summary": summary}


# ============================================================================ report
def machine():
    info = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "python": platform.python_version(),
            "cpus": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith("Model name:"):
                info["cpu"] = line.split(":", 1)[1].strip()
    except OSError:
        pass
    info["loadavg"] = os.getloadavg()
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    try:
        import numpy  # noqa: F401  (load the BLAS libraries before asking about them)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info
        info["blas"] = [f"{os.path.basename(p.get('filepath', ''))} {p.get('version')} {p.get('architecture')} "
                        f"{p.get('num_threads')} threads" for p in threadpool_info()]
    except ImportError:
        pass
    return info


def fmt(v, digits=2):
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}" if v < 100 else f"{v:.0f}"


def report(res):
    lines = []
    m = res["machine"]
    lines.append(f"- machine: {m.get('cpu')}, {m['cpus']} CPUs; python {m['python']}; {m['date']}")
    lines.append(f"- load average (1, 5, 15 min) at start {tuple(round(v, 2) for v in m['loadavg'])}, at end "
                 f"{tuple(round(v, 2) for v in res.get('loadavg_end', ()))}")
    lines.append(f"- OPENBLAS_CORETYPE={m['OPENBLAS_CORETYPE']}; BLAS: {'; '.join(m.get('blas', []))}")
    lines.append(f"- command: `{res['command']}`")
    steps = res.get("steps")
    if steps:
        tb = steps.get("torch", {})
        jb = steps.get("jax", {})
        for key, val in (("torch", tb), ("jax", jb)):
            if "models" not in val:
                lines.append(f"- Keras {key} worker: {val}")
        versions = [f"torch {tb.get('torch')}", f"keras {tb.get('keras')}"]
        lines.append(f"- peers: {', '.join(versions)} (PyTorch eager, torch.set_num_threads(2); Keras 3 "
                     "train_on_batch / predict_on_batch)")
        for kind, title in (("train", "Training step"), ("infer", "Inference batch (predict_on_batch)")):
            lines.append("")
            lines.append(f"### {title}: ms per call (median of round medians); ratio = minikeras / peer "
                         "(median over rounds, same process)")
            lines.append("")
            lines.append("| model | minikeras ms | pytorch ms | keras-torch ms | keras-jax ms "
                         "| ratio vs pytorch | ratio vs keras-torch | ratio vs keras-jax |")
            lines.append("|---|---|---|---|---|---|---|---|")
            base = tb if tb.get("models") else jb  # the minikeras/PyTorch pair: the torch worker's if it ran
            for name in MODELS:
                if name not in base.get("models", {}):
                    continue
                t = base["models"][name][kind]
                k = tb.get("models", {}).get(name, {}).get(kind, {}).get("keras", {})
                j = jb.get("models", {}).get(name, {}).get(kind, {}).get("keras", {})
                lines.append(f"| {LABELS[name]} | {fmt(t['minikeras']['ms'])} | {fmt(t['pytorch']['ms'])} "
                             f"| {fmt(k.get('ms'))} | {fmt(j.get('ms'))} "
                             f"| {fmt(t['pytorch']['ratio'])} | {fmt(k.get('ratio'))} "
                             f"| {fmt(j.get('ratio'))} |")
            if jb.get("models") and tb.get("models"):
                lines.append("")
                lines.append("Second pair, from the Keras-jax worker process (its own minikeras and PyTorch "
                             "timings): ratio vs pytorch " + ", ".join(
                                 f"{n} {fmt(jb['models'][n][kind]['pytorch']['ratio'])}" for n in jb["models"])
                             + ". Ratio of the fastest steps (torch worker): " + ", ".join(
                                 f"{n} {fmt(tb['models'][n][kind]['pytorch']['min_ratio'])} vs pytorch, "
                                 f"{fmt(tb['models'][n][kind]['keras']['min_ratio'])} vs keras-torch"
                                 for n in tb["models"]) + ".")
    if "start" in res:
        s = res["start"]
        lines.append("")
        lines.append("| start of the seed CNN (new process) | wall s | import s | build+compile s "
                     "| first training step s | runs |")
        lines.append("|---|---|---|---|---|---|")
        for k, label in (("cold", "minikeras cold (empty NUMBA_CACHE_DIR)"), ("warm", "minikeras warm (cache filled)"),
                         ("pytorch", "PyTorch (for scale)")):
            r = s[k]
            lines.append(f"| {label} | {fmt(r['wall'])} | {fmt(r['import'])} | {fmt(r['build'])} "
                         f"| {fmt(r['first_step'])} | {r['n']} |")
    if "gemm" in res:
        lines.append("")
        lines.append("| GEMM-bound kernel (float32) | minikeras GFLOP/s | numpy GFLOP/s | numpy 1-thread GFLOP/s "
                     "| fraction of numpy | fraction of numpy 1-thread |")
        lines.append("|---|---|---|---|---|---|")
        for label, r in res["gemm"].items():
            lines.append(f"| {label} | {fmt(r['minikeras']['gflops'], 1)} | {fmt(r['numpy']['gflops'], 1)} "
                         f"| {fmt(r['numpy 1 thread']['gflops'], 1)} | {fmt(r['fraction of numpy'])} "
                         f"| {fmt(r['fraction of numpy 1 thread'])} |")
    if "memory" in res:
        lines.append("")
        lines.append(f"| peak RSS MB after {res.get('memory_steps')} training steps (growth after imports) | "
                     + " | ".join(MEMORY_CODE) + " |")
        lines.append("|---|" + "---|" * len(MEMORY_CODE))
        for name, r in res["memory"].items():
            cells = [f"{fmt(r[fw]['peak_mb'], 0)} (+{fmt(r[fw]['peak_mb'] - r[fw]['after_import_mb'], 0)})"
                     if "peak_mb" in r[fw] else "error" for fw in MEMORY_CODE]
            lines.append(f"| {LABELS[name]} | " + " | ".join(cells) + " |")
    if "predict" in res:
        r = res["predict"]
        lines.append("")
        lines.append(f"- `model.predict` over {PREDICT_ROWS:,} MNIST rows (MNIST MLP, batch 32): minikeras "
                     f"{fmt(r['minikeras']['ms'])} ms, PyTorch loop {fmt(r['pytorch']['ms'])} ms, ratio "
                     f"{fmt(r['pytorch']['ratio'])} (fastest calls {fmt(r['pytorch']['min_ratio'])})")
    if "tests" in res:
        t = res["tests"]
        lines.append("")
        lines.append(f"- test suite (`python -m pytest -q -p no:cacheprovider`): {t['wall_s']:.0f} s wall, "
                     f"exit code {t['returncode']}: {t['summary']}")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--parts", nargs="+", default=["steps", "start", "memory", "gemm"],
                   choices=["steps", "start", "memory", "gemm", "predict", "tests"])
    p.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    p.add_argument("--backends", nargs="+", default=["torch", "jax"])
    p.add_argument("--rounds", type=int, default=15, help="interleaved rounds per model")
    p.add_argument("--per-round", type=int, default=5, help="timed steps per framework per round")
    p.add_argument("--settle", type=float, default=0.3,
                   help="seconds of sleep before each framework's round (lets idle worker threads sleep)")
    p.add_argument("--start-reps", type=int, default=2, help="cold starts (each followed by 2 warm)")
    p.add_argument("--memory-steps", type=int, default=20)
    p.add_argument("--gemm-rounds", type=int, default=15)
    p.add_argument("--predict-rounds", type=int, default=9, help="rounds of the predict part")
    p.add_argument("--json", help="also write the raw results here")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker == "steps":
        return worker_steps(args)

    if "predict" in args.parts and not _importable("torch"):
        sys.exit("benchmarks/bench.py --parts predict needs torch in this venv.")
    if "steps" in args.parts and not (_importable("torch") and _importable("keras")):
        sys.exit("benchmarks/bench.py --parts steps needs torch and keras in this venv (pip install torch keras; "
                 "jax too for the Keras jax backend), e.g. PYTHONPATH=. /work/kvenv/bin/python benchmarks/bench.py")
    res = {"machine": machine(), "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
           "memory_steps": args.memory_steps}
    for part in args.parts:
        t = time.perf_counter()
        res[part] = globals()[f"run_{part}"](args)
        print(f"# {part} done in {time.perf_counter() - t:.0f} s, load {os.getloadavg()}", file=sys.stderr,
              flush=True)
    res["loadavg_end"] = os.getloadavg()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    print(report(res))


if __name__ == "__main__":
    main()
