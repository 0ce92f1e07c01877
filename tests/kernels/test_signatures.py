"""Each kernel compiles once per argument type, never once more for a constant argument.

numba types a constant argument (``True``, ``0``) of a call from one kernel to another
as a literal, and compiles the callee again for it: issue 16 found im2col's helpers
compiled three times in a new process, and the recurrent kernels' activation adapters and
the five activation loops twice. A kernel called with only plain types has one signature
per dtype.
"""
import importlib
import pkgutil

import numpy as np
from numba import types
from numba.core.dispatcher import Dispatcher

import minikeras.kernels
from minikeras.kernels import activation_codes as A
from minikeras.kernels import fast as F

from .helpers import rand


def _dispatchers():
    names = [m.name for m in pkgutil.iter_modules(minikeras.kernels.__path__, "minikeras.kernels.")]
    for name in names + ["minikeras.optimizers.kernels"]:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, Dispatcher):
                yield f"{name}.{attr}", value


def test_no_kernel_compiles_for_a_literal_argument():
    rng = np.random.default_rng(0)
    for channels, padding in ((1, "valid"), (3, "same"), (4, "valid")):
        x = rand(rng, (2, 7, 7, channels), np.float32)
        kernel = rand(rng, (3, 2, channels, 5), np.float32)
        y = F.conv2d_forward(x, kernel, (1, 2), padding, code=A.RELU)
        F.conv2d_backward(x, kernel, np.ones_like(y), (1, 2), padding)
        pooled, argmax = F.max_pool2d_forward(y, (2, 2), None, padding)
        F.max_pool2d_backward(pooled, argmax, y.shape)
    steps, batch, units = 3, 2, 4
    h0 = rand(rng, (batch, units), np.float32)
    for code in (A.TANH, A.RELU):
        hs = F.simple_rnn_sequence_forward(rand(rng, (steps, batch, units), np.float32), h0,
                                           rand(rng, (units, units), np.float32), None, code)
        F.simple_rnn_sequence_backward(rand(rng, (units, units), np.float32), h0, hs, np.ones_like(hs), None, None, code)
        U = rand(rng, (units, 4 * units), np.float32)
        hs, cs, gates = F.lstm_sequence_forward(rand(rng, (steps, batch, 4 * units), np.float32), h0, h0, U, None, code)
        F.lstm_sequence_backward(U, h0, h0, hs, cs, gates, np.ones_like(hs), None, None, None, code)
        U = rand(rng, (units, 3 * units), np.float32)
        hs, gates, rh = F.gru_sequence_forward(rand(rng, (steps, batch, 3 * units), np.float32), h0, U, None, True,
                                               None, code)
        F.gru_sequence_backward(U, h0, hs, gates, rh, np.ones_like(hs), None, True, None, code)
    literal = {name: [sig for sig in d.signatures if any(isinstance(t, types.Literal) for t in sig)]
               for name, d in _dispatchers()}
    assert {name: sigs for name, sigs in literal.items() if sigs} == {}


def test_every_kernel_skips_numbas_unused_c_entry_point():
    # kernels/__init__.py: no_cfunc_wrapper=True saves about 0.008 s of compiling per kernel
    # in a new process; a kernel declared without it would quietly pay it again
    without = [name for name, d in _dispatchers() if not d.targetoptions.get("no_cfunc_wrapper")]
    assert without == []
