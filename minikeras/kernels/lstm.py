"""LSTM over a whole sequence, time-major (fast backend; reference: ``reference/recurrent.py``,
lstm_sequence_forward / _backward). The schedule and the gate-major layout are explained
in ``recurrent.py``; gates i, f, c, o, as in Keras.

    z = xproj[t] + h @ U;  i, f, g, o = σ(zi), σ(zf), act(zg), σ(zo)
    c = f * c_prev + i * g;  h = o * act(c)
"""
import numpy as np
from numba import njit

from .activation_codes import SIGMOID, TANH
from .recurrent import activate_rows, final_gradient, gate_major, kernel_mask, previous_states_gemm, \
    scale_rows_by_derivative
from .sequences import prepare_sequence

__all__ = ["lstm_sequence_forward", "lstm_sequence_backward"]


@njit(cache=True, error_model="numpy")
def _lstm_forward_kernel(xproj, h0, c0, U, mask, act, rec_act, hs, cs, gates):
    """gates: (T, 4u, B) gate-major, rows i | f | c | o."""
    steps, batch, four_u = xproj.shape
    u = four_u // 4
    masked = mask.shape[0] > 0
    zeros = np.zeros(2 * u * batch, xproj.dtype)  # activate_columns adds a bias; here none
    Ut = U.T
    tc = np.empty((u, batch), xproj.dtype)  # act(c_t), gate-major like the gates
    for t in range(steps):
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        z = gates[t]
        np.dot(Ut, h_prev.T, z)  # (h @ U).T, computed directly in the gate-major layout
        for b in range(batch):
            for k in range(four_u):
                z[k, b] += xproj[t, b, k]
        activate_rows(z, 0, 2 * u, zeros, rec_act)  # i, f
        activate_rows(z, 2 * u, 3 * u, zeros, act)  # c: the candidate, g below
        activate_rows(z, 3 * u, 4 * u, zeros, rec_act)  # o
        for b in range(batch):
            for j in range(u):
                c = z[u + j, b] * c_prev[b, j] + z[j, b] * z[2 * u + j, b]  # f * c_prev + i * g
                cs[t, b, j] = c
                tc[j, b] = c
        activate_rows(tc, 0, u, zeros, act)
        for b in range(batch):
            if masked and not mask[t, b]:  # skipped step: carry the states over
                for j in range(u):
                    hs[t, b, j] = h_prev[b, j]
                    cs[t, b, j] = c_prev[b, j]
                for k in range(four_u):
                    z[k, b] = 0
                continue
            for j in range(u):
                hs[t, b, j] = z[3 * u + j, b] * tc[j, b]


@njit(cache=True, error_model="numpy")
def _lstm_backward_kernel(U, c0, cs, gates, dhs, dh_next, dc_next, mask, act, rec_act, dz):
    """BPTT. dh_next/dc_next hold dL/dh_T, dL/dc_T on entry and dL/dh0, dL/dc0 on exit."""
    steps, four_u, batch = gates.shape
    u = four_u // 4
    masked = mask.shape[0] > 0
    zeros = np.zeros(u * batch, gates.dtype)
    Ut = U.T  # a transposed view: BLAS reads it with a transpose flag, no copy
    tc = np.empty((u, batch), gates.dtype)       # act(c_t), recomputed rather than saved
    dtc = np.empty((u, batch), gates.dtype)      # dL/d act(c_t), then its part of dL/dc_t
    dh = np.empty((u, batch), gates.dtype)       # dL/dh_t
    d = np.empty((four_u, batch), gates.dtype)   # dL/d(gate pre-activations), gate-major
    dh_rec = np.empty((batch, u), gates.dtype)
    for t in range(steps - 1, -1, -1):
        c_prev = c0 if t == 0 else cs[t - 1]
        g = gates[t]
        for b in range(batch):
            for j in range(u):
                tc[j, b] = cs[t, b, j]
                dh[j, b] = dhs[t, b, j] + dh_next[b, j]
        activate_rows(tc, 0, u, zeros, act)
        for j in range(u):
            for b in range(batch):
                dtc[j, b] = dh[j, b] * g[3 * u + j, b]  # h = o * act(c)
        scale_rows_by_derivative(dtc, tc, 0, u, act)
        for b in range(batch):
            skip = masked and not mask[t, b]  # skipped step: dh and dc pass through
            for j in range(u):
                dc = dc_next[b, j] + dtc[j, b]
                if not skip:
                    dc_next[b, j] = dc * g[u + j, b]
                d[j, b] = dc * g[2 * u + j, b]  # dL/di = dc * g
                d[u + j, b] = dc * c_prev[b, j]  # dL/df = dc * c_prev
                d[2 * u + j, b] = dc * g[j, b]  # dL/dg = dc * i
                d[3 * u + j, b] = dh[j, b] * tc[j, b]  # dL/do = dh * act(c)
        # through the gate activations: the saved gates are their outputs
        scale_rows_by_derivative(d, g, 0, 2 * u, rec_act)
        scale_rows_by_derivative(d, g, 2 * u, 3 * u, act)
        scale_rows_by_derivative(d, g, 3 * u, 4 * u, rec_act)
        for b in range(batch):
            skip = masked and not mask[t, b]
            for k in range(four_u):
                dz[t, b, k] = 0 if skip else d[k, b]
        np.dot(dz[t], Ut, dh_rec)
        for b in range(batch):
            skip = masked and not mask[t, b]
            for j in range(u):
                dh_next[b, j] = dh[j, b] if skip else dh_rec[b, j]


def lstm_sequence_forward(xproj, h0, c0, recurrent_kernel, mask=None, activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs, cs, gates): states after every step (T, B, u), and the activated gates
    i|f|c|o as a (T, B, 4u) view of a gate-major array (recurrent.py); pass them back to backward."""
    U = np.ascontiguousarray(recurrent_kernel)
    xproj, (h0, c0) = prepare_sequence(xproj, (h0, c0), U.shape[0], "lstm")
    U = U.astype(xproj.dtype, copy=False)
    steps, batch, four_u = xproj.shape
    hs = np.empty((steps, batch, U.shape[0]), xproj.dtype)
    cs = np.empty_like(hs)
    gates = np.empty((steps, four_u, batch), xproj.dtype)
    _lstm_forward_kernel(xproj, h0, c0, U, kernel_mask(mask, steps, batch), activation, recurrent_activation,
                         hs, cs, gates)
    return hs, cs, gates.transpose(0, 2, 1)


def lstm_sequence_backward(recurrent_kernel, h0, c0, hs, cs, gates, dhs, dh_last=None, dc_last=None, mask=None,
                           activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 4u), drecurrent_kernel (u, 4u), dh0, dc0)."""
    dtype = np.asarray(gates).dtype
    U = np.ascontiguousarray(recurrent_kernel, dtype=dtype)
    h0, c0, hs, cs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, c0, hs, cs, dhs))
    gates = gate_major(gates, dtype)
    dh, dc = final_gradient(dh_last, h0), final_gradient(dc_last, c0)
    dxproj = np.empty((gates.shape[0], gates.shape[2], gates.shape[1]), dtype)
    _lstm_backward_kernel(U, c0, cs, gates, dhs, dh, dc, kernel_mask(mask, *dxproj.shape[:2]), activation,
                          recurrent_activation, dxproj)
    return dxproj, previous_states_gemm(h0, hs, dxproj), dh, dc
