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


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _lstm_forward_kernel(xproj, h0, c0, U, mask, act, rec_act, hs, cs, gates):
    """hs (T, B, u) batch-major, as the layer returns them; cs (T, u, B) and gates (T, 4u, B)
    gate-major, rows i | f | c | o, as backward reads them.

    The state and every product of a step stay gate-major, (units, batch): each loop over
    the batch is then a contiguous run that vectorizes. Only the step's input projection
    (batch-major, from the caller's GEMM) and its output h are moved between the layouts."""
    steps, batch, four_u = xproj.shape
    u = four_u // 4
    masked = mask.shape[0] > 0
    zeros = np.zeros(2 * u * batch, xproj.dtype)  # activate_columns adds a bias; here none
    Ut = U.T
    tc = np.empty((u, batch), xproj.dtype)  # act(c_t)
    h = np.empty((2, u, batch), xproj.dtype)  # h_{t-1} and h_t, alternately
    c_start = np.empty((u, batch), xproj.dtype)
    for b in range(batch):
        for j in range(u):
            h[1, j, b] = h0[b, j]
            c_start[j, b] = c0[b, j]
    for t in range(steps):
        h_prev, h_new = h[(t + 1) % 2], h[t % 2]
        c_prev = c_start if t == 0 else cs[t - 1]
        c_new = cs[t]
        z = gates[t]
        np.dot(Ut, h_prev, z)  # (h @ U).T, computed directly in the gate-major layout
        for b in range(batch):
            for k in range(four_u):
                z[k, b] += xproj[t, b, k]
        activate_rows(z, 0, 2 * u, zeros, rec_act)  # i, f
        activate_rows(z, 2 * u, 3 * u, zeros, act)  # c: the candidate, g below
        activate_rows(z, 3 * u, 4 * u, zeros, rec_act)  # o
        for j in range(u):
            for b in range(batch):
                c = z[u + j, b] * c_prev[j, b] + z[j, b] * z[2 * u + j, b]  # f * c_prev + i * g
                c_new[j, b] = c
                tc[j, b] = c
        activate_rows(tc, 0, u, zeros, act)
        for j in range(u):
            for b in range(batch):
                h_new[j, b] = z[3 * u + j, b] * tc[j, b]
        if masked:
            for b in range(batch):
                if not mask[t, b]:  # skipped step: carry the states over, save no gates
                    for j in range(u):
                        h_new[j, b] = h_prev[j, b]
                        c_new[j, b] = c_prev[j, b]
                    for k in range(four_u):
                        z[k, b] = 0
        for b in range(batch):
            for j in range(u):
                hs[t, b, j] = h_new[j, b]


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _lstm_backward_kernel(U, c0, cs, gates, dhs, dh_next, dc_next, mask, act, rec_act, dz):
    """BPTT over the gate-major cs (T, u, B) and gates (T, 4u, B) that forward saved.
    dh_next/dc_next hold dL/dh_T, dL/dc_T on entry and dL/dh0, dL/dc0 on exit; dz (T, B, 4u)
    receives dL/d(gate pre-activations), batch-major for the caller's weight GEMMs. As in
    forward, everything in between is gate-major."""
    steps, four_u, batch = gates.shape
    u = four_u // 4
    masked = mask.shape[0] > 0
    zeros = np.zeros(u * batch, gates.dtype)
    tc = np.empty((u, batch), gates.dtype)       # act(c_t), recomputed rather than saved
    dtc = np.empty((u, batch), gates.dtype)      # dL/d act(c_t), then its part of dL/dc_t
    dh = np.empty((u, batch), gates.dtype)       # dL/dh_t
    dh_carry = np.empty((u, batch), gates.dtype)  # dL/dh_t through later steps: dh_rec or a skip
    dc = np.empty((u, batch), gates.dtype)       # dL/dc_t through later steps
    d = np.empty((four_u, batch), gates.dtype)   # dL/d(gate pre-activations)
    dh_rec = np.empty((u, batch), gates.dtype)   # U @ d: the gradient into h_{t-1}
    c_start = np.empty((u, batch), gates.dtype)
    for b in range(batch):
        for j in range(u):
            dh_carry[j, b] = dh_next[b, j]
            dc[j, b] = dc_next[b, j]
            c_start[j, b] = c0[b, j]
    for t in range(steps - 1, -1, -1):
        c_prev = c_start if t == 0 else cs[t - 1]
        g = gates[t]
        for j in range(u):
            for b in range(batch):
                tc[j, b] = cs[t, j, b]
        for b in range(batch):
            for j in range(u):
                dh[j, b] = dhs[t, b, j] + dh_carry[j, b]
        activate_rows(tc, 0, u, zeros, act)
        for j in range(u):
            for b in range(batch):
                dtc[j, b] = dh[j, b] * g[3 * u + j, b]  # h = o * act(c)
        scale_rows_by_derivative(dtc, tc, 0, u, act)
        for j in range(u):
            for b in range(batch):
                dc_t = dc[j, b] + dtc[j, b]
                d[j, b] = dc_t * g[2 * u + j, b]  # dL/di = dc * g
                d[u + j, b] = dc_t * c_prev[j, b]  # dL/df = dc * c_prev
                d[2 * u + j, b] = dc_t * g[j, b]  # dL/dg = dc * i
                d[3 * u + j, b] = dh[j, b] * tc[j, b]  # dL/do = dh * act(c)
                dtc[j, b] = dc_t * g[u + j, b]  # dL/dc_{t-1} = dc * f
        # through the gate activations: the saved gates are their outputs
        scale_rows_by_derivative(d, g, 0, 2 * u, rec_act)
        scale_rows_by_derivative(d, g, 2 * u, 3 * u, act)
        scale_rows_by_derivative(d, g, 3 * u, 4 * u, rec_act)
        if masked:
            for b in range(batch):
                if not mask[t, b]:  # skipped step: no gate gradients; dh and dc pass through
                    for k in range(four_u):
                        d[k, b] = 0
                    for j in range(u):
                        dtc[j, b] = dc[j, b]
        np.dot(U, d, dh_rec)
        for j in range(u):
            for b in range(batch):
                dc[j, b] = dtc[j, b]
                dh_carry[j, b] = dh_rec[j, b]
        if masked:
            for b in range(batch):
                if not mask[t, b]:
                    for j in range(u):
                        dh_carry[j, b] = dh[j, b]
        for b in range(batch):
            for k in range(four_u):
                dz[t, b, k] = d[k, b]
    for b in range(batch):
        for j in range(u):
            dh_next[b, j] = dh_carry[j, b]
            dc_next[b, j] = dc[j, b]


def lstm_sequence_forward(xproj, h0, c0, recurrent_kernel, mask=None, activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs, cs, gates): states after every step (T, B, u), and the activated gates
    i|f|c|o (T, B, 4u); cs and gates are (T, B, n) views of gate-major arrays (recurrent.py):
    pass them back to backward as they are."""
    U = np.ascontiguousarray(recurrent_kernel)
    xproj, (h0, c0) = prepare_sequence(xproj, (h0, c0), U.shape[0], "lstm")
    U = U.astype(xproj.dtype, copy=False)
    steps, batch, four_u = xproj.shape
    hs = np.empty((steps, batch, U.shape[0]), xproj.dtype)
    cs = np.empty((steps, U.shape[0], batch), xproj.dtype)
    gates = np.empty((steps, four_u, batch), xproj.dtype)
    _lstm_forward_kernel(xproj, h0, c0, U, kernel_mask(mask, steps, batch), activation, recurrent_activation,
                         hs, cs, gates)
    return hs, cs.transpose(0, 2, 1), gates.transpose(0, 2, 1)


def lstm_sequence_backward(recurrent_kernel, h0, c0, hs, cs, gates, dhs, dh_last=None, dc_last=None, mask=None,
                           activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 4u), drecurrent_kernel (u, 4u), dh0, dc0)."""
    dtype = np.asarray(gates).dtype
    U = np.ascontiguousarray(recurrent_kernel, dtype=dtype)
    h0, c0, hs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, c0, hs, dhs))
    cs, gates = gate_major(cs, dtype), gate_major(gates, dtype)
    dh, dc = final_gradient(dh_last, h0), final_gradient(dc_last, c0)
    dxproj = np.empty((gates.shape[0], gates.shape[2], gates.shape[1]), dtype)
    _lstm_backward_kernel(U, c0, cs, gates, dhs, dh, dc, kernel_mask(mask, *dxproj.shape[:2]), activation,
                          recurrent_activation, dxproj)
    return dxproj, previous_states_gemm(h0, hs, dxproj), dh, dc
