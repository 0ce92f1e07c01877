"""Compile every numba kernel once, into numba's on-disk cache, before anyone waits for it.

Why this exists: the fast kernels are compiled on first use (``@njit(cache=True)``), and
a new process with an empty cache pays for every kernel its model touches in its first
training step (the seed CNN: several seconds). numba writes what it compiled to disk, so
that cost is paid once per machine (and again after numba or a kernel's source changes).
``warmup()`` pays it at a moment of our choosing: at install time (``minikeras warmup``, in
the README's quick start and in CI), and in the grader before any clock starts
(``minikeras-grade --prepare`` and each grading run). A warm cache only loads machine code:
a kernel costs milliseconds instead of a tenth of a second or more.

What it runs, in four steps:

0. Python's own cache first: minikeras's modules byte-compiled into their ``__pycache__``
   (``compile_bytecode``, below), as pip does for the packages it installs;
1. every function of the kernel interface on tiny arrays (dense, plus one Dense GEMM large
   enough to be split over threads; convolution with one and with several input channels,
   the Winograd convolution, depthwise, pooling, the three recurrent layers, the mean
   squared error; the recurrent kernels take their activations as arguments, so they
   compile all five activation loops and their derivatives);
2. the update kernel of every optimizer, and of each variant that takes another kernel path
   (momentum, nesterov, centered, amsgrad), on one weight: weights reach the update kernels
   as flat 1-D views (``optimizers/optimizer.py``), so one rank covers every weight;
3. one training step and one prediction of a few tiny models through the public API
   (Dense with each fused activation, Conv2D with one and three channels, pooling, LSTM,
   GRU, SimpleRNN): whatever argument types the layers pass, rather than the interface
   calls of step 1, get compiled too. (``tests/utils/test_warmup.py`` checks that the seed
   MLP, CNN and LSTM then compile nothing in a new process.)

The cache lives where numba puts it: ``NUMBA_CACHE_DIR`` if set, else ``__pycache__`` next
to the kernels' sources (``~/.cache/minikeras/numba`` for a read-only install, see
``kernels/__init__.py``).
"""
import compileall
import os
import time

import numpy as np
from numba.core import event

from .. import kernels, layers, optimizers
from ..engine.input_layer import Input
from ..engine.model import Model
from ..kernels import dense as dense_kernels
from ..kernels import fast, winograd
from ..kernels.activation_codes import RELU, TANH
from ..ops.tensor import Variable

WEIGHT_SHAPE = (3,)


def _layer_kernels(dtype):
    """Step 1: the kernel interface of the fast backend, on tiny arrays."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 5, 2)).astype(dtype)
    kernel = rng.standard_normal((3, 3, 2, 2)).astype(dtype)
    y = fast.conv2d_forward(x, kernel, (1, 1), "same", bias=np.zeros(2, dtype), code=RELU)
    fast.bias_activation_backward(y, y, RELU, True)
    fast.conv2d_backward(x, kernel, y, (1, 1), "same")
    fast.conv2d_forward(x[..., :1], kernel[:, :, :1], (1, 1), "same")  # the one-channel path (its im2col is numpy)
    # conv2d takes the Winograd path only for layers with enough channels and work
    # (kernels/winograd.py), far more than these arrays: call it directly. Its transforms
    # take their matrices and tile size as arguments, so one F(m x m, r x r) compiles them
    # for every m and r (the seed CNN's 4x4 layer runs the same kernels as this 3x3 one).
    pads = ((1, 1), (1, 1))
    y = winograd.winograd_forward(x, kernel, 2, (5, 5), pads, np.zeros(2, dtype), RELU)
    winograd.winograd_backward(x, kernel, y, 2, pads, True)
    fast.depthwise_conv2d_backward(x, kernel, fast.depthwise_conv2d_forward(x, kernel))
    pooled, argmax = fast.max_pool2d_forward(x, 2)
    fast.max_pool2d_backward(pooled, argmax, x.shape)
    fast.avg_pool2d_backward(fast.avg_pool2d_forward(x, 2), x.shape, 2)
    fast.dense_forward(x.reshape(10, 10), kernel.reshape(18, 2)[:10], None, TANH)
    dense_kernels.compile_split_kernels(dtype)  # the thread splits of mid-size Dense products
    fast.all_finite(x)  # the data check of fit, evaluate and predict
    values, diff = fast.mean_squared_error_forward(x.reshape(10, 10), x.reshape(10, 10))
    fast.mean_squared_error_backward(diff, values)
    h0 = np.zeros((2, 2), dtype)
    U = rng.standard_normal((2, 8)).astype(dtype)
    saved = fast.lstm_sequence_forward(rng.standard_normal((3, 2, 8)).astype(dtype), h0, h0, U)
    fast.lstm_sequence_backward(U, h0, h0, *saved, saved[0])
    U = rng.standard_normal((2, 6)).astype(dtype)
    saved = fast.gru_sequence_forward(rng.standard_normal((3, 2, 6)).astype(dtype), h0, U)
    fast.gru_sequence_backward(U, h0, *saved, saved[0])
    U = rng.standard_normal((2, 2)).astype(dtype)
    hs = fast.simple_rnn_sequence_forward(rng.standard_normal((3, 2, 2)).astype(dtype), h0, U)
    fast.simple_rnn_sequence_backward(U, h0, hs, hs)


def _optimizer_kernels(dtype):
    """Step 2: each optimizer's update kernel(s), on one flat weight."""
    makers = [
        optimizers.SGD, lambda: optimizers.SGD(momentum=0.9), lambda: optimizers.SGD(momentum=0.9, nesterov=True),
        optimizers.RMSprop, lambda: optimizers.RMSprop(momentum=0.9, centered=True),
        optimizers.Adam, lambda: optimizers.Adam(amsgrad=True), optimizers.AdamW,
        optimizers.Adagrad, optimizers.Adadelta, optimizers.Nadam, optimizers.Adamax, optimizers.Lion,
    ]
    for make in makers:
        variable = Variable(np.zeros(WEIGHT_SHAPE, dtype))
        make().apply([np.ones(WEIGHT_SHAPE, dtype)], [variable])


def _tiny_models():
    """Step 3: a training step and a prediction of small float32 models through the public API."""
    rng = np.random.default_rng(0)

    def step(inputs, outputs, x):
        model = Model(inputs, outputs)
        model.compile(optimizer="rmsprop", loss="mse")
        y = model.predict_on_batch(x)
        model.train_on_batch(x, np.zeros_like(y))

    i = Input((4,))
    h = i
    for activation in ("relu", "sigmoid", "tanh", "hard_sigmoid", "linear", "softmax"):
        h = layers.Dense(3, activation=activation)(h)
    step(i, h, rng.random((4, 4), dtype=np.float32))
    for channels in (1, 3):
        i = Input((8, 8, channels))
        h = layers.Conv2D(2, 3, activation="relu")(i)
        h = layers.MaxPooling2D(2)(h)
        h = layers.Conv2D(2, 2, padding="same", activation="relu")(h)
        h = layers.Dense(1, activation="sigmoid")(layers.Flatten()(layers.AveragePooling2D(1)(h)))
        step(i, h, rng.random((2, 8, 8, channels), dtype=np.float32))
    i = Input((5, 2))
    h = layers.LSTM(3, return_sequences=True)(i)
    h = layers.GRU(3, return_sequences=True)(h)
    h = layers.SimpleRNN(3)(h)
    step(i, layers.Dense(1, activation="sigmoid")(h), rng.random((2, 5, 2), dtype=np.float32))


def compile_bytecode(package_dir=None):
    """Byte-compile every module of ``package_dir`` (minikeras's) into its ``__pycache__``.

    Python compiles a module's source when it imports it and keeps the bytecode beside it,
    unless it may not write there: ``PYTHONDONTWRITEBYTECODE`` set (containers and CI images
    often set it) or a read-only directory. Then every new process compiles all of
    minikeras's ~180 modules again: 0.2 s of each start on the issue-16 machine (import
    0.55 -> 0.35 s with bytecode). pip writes bytecode when it installs a package, an
    editable install or a checkout gets it here. Modules already up to date are only
    looked at. Returns False when the directory is read-only (nothing written).
    """
    package_dir = package_dir or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.access(package_dir, os.W_OK):
        return False
    return bool(compileall.compile_dir(package_dir, quiet=2))


def cache_location():
    """Where numba writes the compiled kernels (a description for people)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    return "__pycache__ next to minikeras/kernels/*.py and minikeras/optimizers/kernels.py"


def warmup(dtype="float32"):
    """Compile (or load from the cache) every kernel for ``dtype`` arrays, one after another.

    Returns ``(seconds, compiled)``: the time spent and the number of kernel signatures
    numba had to compile (0 when the cache was already complete).
    """
    compiled = []

    class Counter(event.Listener):  # numba announces a compilation only on a cache miss
        def on_start(self, e):
            compiled.append(e.data["dispatcher"])

        def on_end(self, e):
            pass

    start = time.perf_counter()
    compile_bytecode()
    previous = kernels.use("fast")  # the models of step 3 run on the selected backend: make it the fast one
    try:
        with event.install_listener("numba:compile", Counter()):
            _layer_kernels(dtype)
            _optimizer_kernels(dtype)
            if np.dtype(dtype) == np.float32:
                _tiny_models()
    finally:
        kernels.use(previous)
    return time.perf_counter() - start, len(compiled)
