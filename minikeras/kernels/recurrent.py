"""What the recurrent kernels share: the schedule, the gate-major layout, the weight GEMMs
(fast backend; the kernels are ``lstm.py``, ``gru.py``, ``simple_rnn.py``, their references
``reference/recurrent.py``, same names and signatures).

Keras weight layouts: kernel (input_dim, G*units), recurrent_kernel (units, G*units),
with the gates side by side along the last axis: LSTM i, f, c, o (G=4); GRU z, r, h
(G=3); SimpleRNN has one block (G=1).

The schedule (why it is shaped like this):

* The input projection does not depend on the recurrence, so the caller computes it
  for every time step at once with one big GEMM:
  ``xproj = x.reshape(T*B, input_dim) @ kernel + bias`` viewed as (T, B, G*units).
* The sequential part is then one small GEMM per step, h @ recurrent_kernel, plus
  the gate arithmetic, fused in one numba loop over (batch, unit). The whole time
  loop runs inside numba: a Python loop would pay ~2 us per step for the numpy call
  and the kernel call, which is as much as the work for small layers. np.dot inside
  numba calls SciPy's BLAS directly.
* Backward (BPTT) walks the steps in reverse with one small GEMM per step for the
  gradient flowing into the previous state. The weight gradients are sums over all
  steps, so they are left to big GEMMs after the loop: the kernels return
  drecurrent_kernel, and the caller gets dkernel = X.T @ dxproj, dbias = dxproj.sum,
  dx = dxproj @ kernel.T the same way.

Shapes: xproj (T, B, G*u); h0, c0 (B, u); hs, cs (T, B, u) states after each step;
dhs (T, B, u) the gradient of every step's output (zeros where a step's output is
unused); dh_last, dc_last the gradient of the final states (or None).

Masking: ``mask`` (T, B) of booleans; where it is False the step is skipped, so the
states *and* the output carry over from the previous step, and gradients flow
straight through. One difference from Keras: before the first unmasked step Keras
outputs zeros while the state is the initial state; here the output is the state.
They agree for the default all-zero initial state.

Activations are the codes of ``activation_codes.py`` (any of linear, relu, sigmoid, tanh,
hard_sigmoid): defaults tanh for ``activation`` and sigmoid for
``recurrent_activation``. Backward uses only the saved activated gates, because
every supported derivative is a function of the activation's output.

numba's cache does not see edits in another file: after changing activations.py or
this module, clear the caches of lstm.py, gru.py and simple_rnn.py, which call them.
"""
import numpy as np
from numba import njit

from .activations import activate_columns, multiply_by_derivative
from .sequences import check_mask

__all__ = ["activate_rows", "scale_rows_by_derivative", "gate_major", "final_gradient", "previous_states_gemm",
           "kernel_mask"]


# --------------------------------------------------------------------------- layout
# Inside the kernels, each step's gates are stored gate-major, (G*units, batch), not
# (batch, G*units): then a gate block (say all the forget gates of the batch) is one
# contiguous run of units*batch values, and activate_columns sweeps it in one long
# vectorized loop. In the (batch, G*units) layout each block is `units` values per
# row, which for small layers leaves the vector loop mostly unused: measured 6x
# slower for units=10, batch=32. The saved gates are handed to the caller as a
# (T, B, G*u) transposed view of the gate-major array, which backward turns back
# without copying. The LSTM keeps its states gate-major too, (units, batch), and saves
# its cell states that way (cs, handed out as a view like the gates), so every loop of
# its step runs along the batch; only the step's input projection and its output h are
# moved between the layouts (seed LSTM, 100 steps of 32x10: forward kernel 255 -> 193 us,
# backward 287 -> 177 us, measured against the batch-major loops it replaced).

# The two adapters below are copied into the kernels that call them (inline="always"): compiled
# as functions of their own, each linked in and optimized the five activation loops once
# more, and a constant row (activate_rows(z, 0, ...)) compiled each a second time (numba
# types a constant argument as a literal): measured, the seed LSTM's first training step
# in a new process 6.5 s, 5.2 s with them inlined.

@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy", inline="always")
def activate_rows(a, r0, r1, zeros, code):
    """Activate rows r0:r1 of a gate-major (rows, batch) array as one contiguous run."""
    n = a.shape[1]
    activate_columns(a.reshape(1, a.size), r0 * n, r1 * n, zeros, code)


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy", inline="always")
def scale_rows_by_derivative(d, y, r0, r1, code):
    """d[r0:r1] *= act'(z) given y[r0:r1] = act(z), both gate-major (rows, batch)."""
    n = d.shape[1]
    multiply_by_derivative(d.reshape(1, d.size), y.reshape(1, y.size), r0 * n, r1 * n, code)


# --------------------------------------------------------------------------- around the kernels

def kernel_mask(mask, steps, batch):
    """The checked mask, or an empty (0, 0) array for none (numba wants one argument type)."""
    mask = check_mask(mask, steps, batch)
    return np.zeros((0, 0), np.bool_) if mask is None else mask


def gate_major(a, dtype):
    """(T, B, n) -> contiguous (T, n, B); free for the transposed views that forward returns."""
    return np.ascontiguousarray(np.asarray(a, dtype=dtype).transpose(0, 2, 1))


def final_gradient(g, like):
    return np.zeros_like(like) if g is None else np.array(g, dtype=like.dtype, order="C")  # a copy we may mutate


def previous_states_gemm(h0, hs, d):
    """sum over t of h_{t-1}.T @ d[t], as two GEMMs (no concatenated copy of the states)."""
    units = h0.shape[1]
    out = h0.T @ d[0]
    if len(hs) > 1:
        out += hs[:-1].reshape(-1, units).T @ d[1:].reshape(-1, d.shape[2])
    return out
