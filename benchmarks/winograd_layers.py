"""One thread's CPU time of the seed models' convolutions: im2col + GEMM vs Winograd
F(m x m, r x r) for every tile size m of the kernel size r.

Each layer as one thread runs it in a training step (half the batch, one BLAS thread):
forward with bias + relu, and backward (dx and dkernel). The algorithms are timed in
interleaved rounds (CPU time of this thread, ``time.thread_time``), so all see the same
load; the table gives the median over rounds of each round's fastest call. ``--model``
picks the layers: the toy ResNet's 3x3 convolutions (``resnet``, forward / backward) or
the seed CNN's second convolution, 30x30x32 -> 16 with a 4x4 kernel (``cnn``, forward /
forward + backward: its inference batch and its training step). ``--grid`` times forward
+ backward of other shapes instead: the measurements behind
``kernels/winograd.use_winograd``'s rule (whether Winograd, and which m).

    cd /work/main && PYTHONPATH=$PWD /work/venv/bin/python benchmarks/winograd_layers.py --rounds 7
    cd /work/main && PYTHONPATH=$PWD /work/venv/bin/python benchmarks/winograd_layers.py --model cnn --rounds 7
    cd /work/main && PYTHONPATH=$PWD /work/venv/bin/python benchmarks/winograd_layers.py --grid --rounds 3
"""
import argparse
import os
import statistics
import time

import numpy as np

from minikeras.kernels import winograd
from minikeras.kernels.activation_codes import RELU
from minikeras.kernels.blas import limited_blas_threads
from minikeras.kernels.conv_gemm import backward_gemm, forward_gemm
from minikeras.kernels.conv_geometry import conv2d_geometry

# model -> [(input shape per thread, kernel size, filters, padding, layers of this shape in
# the model, needs dx)]
LAYERS = {
    "resnet": [((32, 32, 32, 3), 3, 32, "valid", 1, False), ((32, 30, 30, 32), 3, 64, "valid", 1, True),
               ((32, 9, 9, 64), 3, 64, "same", 4, True), ((32, 9, 9, 64), 3, 64, "valid", 1, True)],
    "cnn": [((16, 30, 30, 32), 4, 16, "valid", 1, True)],
}
# (input shape, filters, padding, needs dx): channels, output sizes (tile waste), batch sizes;
# 3x3 kernels, and 4x4 kernels in GRID4
GRID = [((32, 32, 32, 3), 32, "valid", False), ((32, 32, 32, 4), 32, "valid", False),
        ((32, 16, 16, 4), 16, "same", True), ((32, 16, 16, 8), 8, "same", True),
        ((32, 16, 16, 16), 16, "same", True), ((32, 16, 16, 16), 4, "same", True),
        ((32, 16, 16, 32), 32, "same", True), ((32, 16, 16, 64), 64, "same", True),
        ((32, 16, 16, 128), 128, "same", True), ((32, 16, 16, 16), 64, "same", True),
        ((32, 16, 16, 64), 16, "same", True), ((32, 8, 8, 128), 128, "same", True),
        ((32, 5, 5, 64), 64, "valid", True), ((32, 7, 7, 64), 64, "valid", True),
        ((32, 6, 6, 64), 64, "valid", True), ((32, 4, 4, 64), 64, "same", True),
        ((1, 9, 9, 64), 64, "same", True), ((2, 9, 9, 64), 64, "same", True), ((4, 9, 9, 64), 64, "same", True),
        ((1, 30, 30, 32), 64, "valid", True), ((1, 16, 16, 8), 8, "same", True), ((1, 4, 4, 8), 8, "same", True),
        ((32, 11, 11, 64), 64, "valid", True), ((32, 8, 8, 64), 64, "same", True),
        ((32, 10, 10, 64), 64, "same", True), ((32, 14, 14, 64), 64, "valid", True)]
GRID4 = [((16, 30, 30, 32), 16, "valid", True), ((16, 30, 30, 32), 16, "same", True),
         ((16, 30, 30, 32), 32, "valid", True), ((16, 29, 29, 32), 16, "valid", True),
         ((16, 16, 16, 16), 16, "same", True), ((16, 16, 16, 64), 64, "same", True),
         ((16, 8, 8, 64), 64, "valid", True), ((16, 7, 7, 64), 64, "valid", True),
         ((16, 6, 6, 64), 64, "valid", True), ((16, 4, 4, 64), 64, "valid", True),
         ((16, 16, 16, 8), 8, "same", True), ((2, 30, 30, 32), 16, "valid", True),
         ((1, 30, 30, 32), 16, "valid", True), ((16, 30, 30, 4), 16, "valid", False)]


def fastest(fn, calls):
    best = float("inf")
    for _ in range(calls):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


def convolution(rng, shape, r, cout, padding, need_dx):
    """The calls to time for one layer with an r x r kernel (im2col, and Winograd with each m;
    forward and backward), and what conv2d's rule picks for it: "im2col" or "m=<tile size>"."""
    x = rng.standard_normal(shape, dtype=np.float32)
    kernel = rng.standard_normal((r, r, shape[3], cout), dtype=np.float32) * 0.1
    bias = np.zeros(cout, np.float32)
    strides, dilation, pads, out_hw = conv2d_geometry("conv", shape[1:3], (r, r), 1, padding, 1)
    dy = rng.standard_normal((shape[0],) + out_hw + (cout,), dtype=np.float32)
    fns = {
        "im2col fwd": lambda: forward_gemm(x, kernel, out_hw, strides, pads, dilation, 1, bias, RELU),
        "im2col bwd": lambda: backward_gemm(x, x.shape, kernel, dy, strides, pads, dilation, 1, need_dx, True),
    }
    for m in winograd.TILE_SIZES[r]:
        fns[f"m={m} fwd"] = lambda m=m: winograd.winograd_forward(x, kernel, m, out_hw, pads, bias, RELU)
        fns[f"m={m} bwd"] = lambda m=m: winograd.winograd_backward(x, kernel, dy, m, pads, need_dx)
    flops = 2 * shape[0] * out_hw[0] * out_hw[1] * r * r * shape[3] * cout  # as conv.py counts it (one part)
    m = winograd.use_winograd(kernel.shape, strides, dilation, 1, out_hw, flops)
    return fns, "im2col" if m is None else f"m={m}"


def interleaved_ms(fns, rounds, calls):
    times = {name: [] for name in fns}
    for fn in fns.values():
        fn()  # compile, fill the buffer pool
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(fastest(fn, calls))
    return {name: 1000 * statistics.median(t) for name, t in times.items()}


@limited_blas_threads
def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--calls", type=int, default=5, help="calls per algorithm per round")
    p.add_argument("--model", default="resnet", choices=sorted(LAYERS), help="whose layers (default: resnet)")
    p.add_argument("--grid", action="store_true", help="forward + backward of the GRID shapes (the rule)")
    p.add_argument("--kernel", type=int, default=3, choices=sorted(winograd.TILE_SIZES),
                   help="the grid's kernel size (3: GRID, 4: GRID4)")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    print(f"load {os.getloadavg()}")
    if args.grid:
        r = args.kernel
        sizes = winograd.TILE_SIZES[r]
        print(f"| input -> filters, {r}x{r}, padding, dx | im2col fwd+bwd ms | "
              + " | ".join(f"m={m} fwd+bwd ms (ratio)" for m in sizes) + " | rule picks |")
        print("|---|---|" + "---|" * len(sizes) + "---|")
        for shape, cout, padding, need_dx in GRID if r == 3 else GRID4:
            fns, chosen = convolution(rng, shape, r, cout, padding, need_dx)
            ms = interleaved_ms(fns, args.rounds, args.calls)
            before = ms["im2col fwd"] + ms["im2col bwd"]
            after = [ms[f"m={m} fwd"] + ms[f"m={m} bwd"] for m in sizes]
            print(f"| {'x'.join(map(str, shape))} -> {cout}, {padding}, {'dx' if need_dx else 'no dx'} | "
                  f"{before:.2f} | " + " | ".join(f"{t:.2f} ({t / before:.2f})" for t in after) + f" | {chosen} |",
                  flush=True)
    else:
        # the resnet table: forward / backward; the cnn table: forward / forward + backward
        total = args.model == "cnn"
        second = "fwd+bwd" if total else "bwd"
        sizes = sorted({m for _, r, *_ in LAYERS[args.model] for m in winograd.TILE_SIZES[r]})
        print(f"| layer (per thread) | count | chosen | im2col fwd / {second} | "
              + " | ".join(f"m={m} fwd / {second}" for m in sizes) + " |")
        print("|---|---|---|---|" + "---|" * len(sizes))
        for shape, r, cout, padding, count, need_dx in LAYERS[args.model]:
            fns, chosen = convolution(rng, shape, r, cout, padding, need_dx)
            ms = interleaved_ms(fns, args.rounds, args.calls)
            cells = []
            for name in ["im2col"] + [f"m={m}" for m in sizes]:
                if name + " fwd" not in fns:
                    cells.append("-")  # no such tile size for this kernel size
                    continue
                fwd, bwd = ms[name + " fwd"], ms[name + " bwd"]
                cells.append(f"{fwd:.2f} / {fwd + bwd if total else bwd:.2f}")
            print(f"| {'x'.join(map(str, shape))} -> {cout}, {r}x{r}, {padding} | {count} | {chosen} | "
                  + " | ".join(cells) + " |", flush=True)
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
