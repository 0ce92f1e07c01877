"""One thread's CPU time of the toy ResNet's 3x3 convolutions: im2col + GEMM vs Winograd F(2x2, 3x3).

Each layer as one thread runs it in a training step (half the batch of 64, one BLAS
thread): forward with bias + relu, and backward (dx and dkernel). The two algorithms are
timed in interleaved rounds (CPU time of this thread, ``time.thread_time``), so both see
the same load; the table gives the median over rounds of each round's fastest call.

    cd /work/main && PYTHONPATH=$PWD /work/venv/bin/python benchmarks/winograd_layers.py --rounds 7
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

# (input shape per thread, filters, padding, layers of this shape in the model, needs dx)
LAYERS = [((32, 32, 32, 3), 32, "valid", 1, False), ((32, 30, 30, 32), 64, "valid", 1, True),
          ((32, 9, 9, 64), 64, "same", 4, True), ((32, 9, 9, 64), 64, "valid", 1, True)]


def fastest(fn, calls):
    best = float("inf")
    for _ in range(calls):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


@limited_blas_threads
def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--calls", type=int, default=5, help="calls per algorithm per round")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    print(f"load {os.getloadavg()}")
    print("| layer (per thread) | count | chosen | im2col fwd | Winograd fwd | im2col bwd | Winograd bwd |")
    print("|---|---|---|---|---|---|---|")
    for shape, cout, padding, count, need_dx in LAYERS:
        x = rng.standard_normal(shape, dtype=np.float32)
        kernel = rng.standard_normal((3, 3, shape[3], cout), dtype=np.float32) * 0.1
        bias = np.zeros(cout, np.float32)
        strides, dilation, pads, out_hw = conv2d_geometry("conv", shape[1:3], (3, 3), 1, padding, 1)
        dy = rng.standard_normal((shape[0],) + out_hw + (cout,), dtype=np.float32)
        fns = {
            "im2col fwd": lambda: forward_gemm(x, kernel, out_hw, strides, pads, dilation, 1, bias, RELU),
            "wino fwd": lambda: winograd.winograd_forward(x, kernel, out_hw, pads, bias, RELU),
            "im2col bwd": lambda: backward_gemm(x, x.shape, kernel, dy, strides, pads, dilation, 1, need_dx, True),
            "wino bwd": lambda: winograd.winograd_backward(x, kernel, dy, pads, need_dx),
        }
        times = {name: [] for name in fns}
        for fn in fns.values():
            fn()  # compile, fill the buffer pool
        for _ in range(args.rounds):
            for name, fn in fns.items():
                times[name].append(fastest(fn, args.calls))
        ms = {name: 1000 * statistics.median(t) for name, t in times.items()}
        flops = 2 * shape[0] * out_hw[0] * out_hw[1] * 9 * shape[3] * cout
        chosen = "Winograd" if winograd.use_winograd(kernel.shape, strides, dilation, 1, out_hw, flops) else "im2col"
        print(f"| {shape[0]}x{shape[1]}x{shape[2]}x{shape[3]} -> {cout}, {padding} | {count} | {chosen} | "
              f"{ms['im2col fwd']:.2f} | {ms['wino fwd']:.2f} | {ms['im2col bwd']:.2f} | {ms['wino bwd']:.2f} |")
    print(f"load {os.getloadavg()}")


if __name__ == "__main__":
    main()
