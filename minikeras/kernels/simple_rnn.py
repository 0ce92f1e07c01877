"""SimpleRNN over a whole sequence, time-major: h_t = act(xproj_t + h_{t-1} @ U) (fast backend;
reference: ``reference/recurrent.py``, simple_rnn_sequence_forward / _backward). The
schedule is explained in ``recurrent.py``. With one gate block that spans whole rows,
hs[t] is already one contiguous run: no gate-major copy is needed.
"""
import numpy as np
from numba import njit

from .activation_codes import TANH
from .activations import activate_columns, multiply_by_derivative
from .recurrent import final_gradient, kernel_mask, previous_states_gemm
from .sequences import prepare_sequence

__all__ = ["simple_rnn_sequence_forward", "simple_rnn_sequence_backward"]


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _rnn_forward_kernel(xproj, h0, U, mask, act, hs):
    steps, batch, u = xproj.shape
    masked = mask.shape[0] > 0
    zeros = np.zeros(batch * u, xproj.dtype)
    for t in range(steps):
        h_prev = h0 if t == 0 else hs[t - 1]
        h = hs[t]
        np.dot(h_prev, U, h)
        for b in range(batch):
            for j in range(u):
                h[b, j] += xproj[t, b, j]
        # np.int64(0), not 0: numba would compile the activation loop once more for a literal 0
        activate_columns(h.reshape(1, h.size), np.int64(0), h.size, zeros, act)
        for b in range(batch):
            if masked and not mask[t, b]:
                for j in range(u):
                    h[b, j] = h_prev[b, j]


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _rnn_backward_kernel(U, hs, dhs, dh_next, mask, act, da):
    steps, batch, u = hs.shape
    masked = mask.shape[0] > 0
    Ut = U.T
    dh_rec = np.empty((batch, u), hs.dtype)
    for t in range(steps - 1, -1, -1):
        d = da[t]
        for b in range(batch):
            for j in range(u):
                d[b, j] = dhs[t, b, j] + dh_next[b, j]
        for b in range(batch):
            if masked and not mask[t, b]:  # skipped step: the gradient passes through
                for j in range(u):
                    dh_next[b, j] = d[b, j]
                    d[b, j] = 0
        multiply_by_derivative(d.reshape(1, d.size), hs[t].reshape(1, d.size), np.int64(0), d.size, act)
        np.dot(d, Ut, dh_rec)
        for b in range(batch):
            if not masked or mask[t, b]:
                for j in range(u):
                    dh_next[b, j] = dh_rec[b, j]


def simple_rnn_sequence_forward(xproj, h0, recurrent_kernel, mask=None, activation=TANH):
    """-> hs (T, B, u) with h_t = act(xproj_t + h_{t-1} @ recurrent_kernel)."""
    U = np.ascontiguousarray(recurrent_kernel)
    xproj, (h0,) = prepare_sequence(xproj, (h0,), U.shape[0], "simple_rnn")
    U = U.astype(xproj.dtype, copy=False)
    hs = np.empty_like(xproj)
    _rnn_forward_kernel(xproj, h0, U, kernel_mask(mask, *xproj.shape[:2]), activation, hs)
    return hs


def simple_rnn_sequence_backward(recurrent_kernel, h0, hs, dhs, dh_last=None, mask=None, activation=TANH):
    """-> (dxproj (T, B, u), drecurrent_kernel (u, u), dh0)."""
    dtype = hs.dtype
    U = np.ascontiguousarray(recurrent_kernel, dtype=dtype)
    h0, hs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, hs, dhs))
    dh = final_gradient(dh_last, h0)
    dxproj = np.empty_like(hs)
    _rnn_backward_kernel(U, hs, dhs, dh, kernel_mask(mask, *hs.shape[:2]), activation, dxproj)
    return dxproj, previous_states_gemm(h0, hs, dxproj), dh
