"""GRU over a whole sequence, time-major (fast backend; reference: ``reference/recurrent.py``,
gru_sequence_forward / _backward). The schedule and the gate-major layout are explained
in ``recurrent.py``; gates z, r, h, as in Keras, with both reset_after variants.
"""
import numpy as np
from numba import njit

from .activation_codes import SIGMOID, TANH
from .recurrent import activate_rows, final_gradient, gate_major, kernel_mask, previous_states_gemm, \
    scale_rows_by_derivative
from .sequences import gru_recurrent_bias, prepare_sequence

__all__ = ["gru_sequence_forward", "gru_sequence_backward"]

# UT is recurrent_kernel.T made contiguous, shape (3u, u): the z|r block UT[:2u] and
# the h block UT[2u:] are then contiguous too, and their transposes (the blocks of
# recurrent_kernel) are free views that BLAS reads with a transpose flag.

@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _gru_forward_kernel(xproj, h0, UT, b_rec, reset_after, mask, act, rec_act, hs, gates, rh):
    """gates: (T, 3u, B) gate-major, rows z | r | hh; rh (T, u, B): h @ U_h + b_h (reset_after)."""
    steps, batch, three_u = xproj.shape
    u = three_u // 3
    masked = mask.shape[0] > 0
    one = xproj.dtype.type(1)
    zeros = np.zeros(2 * u * batch, xproj.dtype)
    rec = np.empty((batch, three_u), xproj.dtype)    # h @ U           (reset_after)
    rec_zr = np.empty((batch, 2 * u), xproj.dtype)   # h @ U_zr        (not reset_after)
    reset_h = np.empty((batch, u), xproj.dtype)      # r * h           (not reset_after)
    rec_h = np.empty((batch, u), xproj.dtype)        # (r * h) @ U_h   (not reset_after)
    for t in range(steps):
        h_prev = h0 if t == 0 else hs[t - 1]
        g = gates[t]
        if reset_after:  # hh = act(x_h + r * (h @ U_h + b_h)): all three blocks in one GEMM
            np.dot(h_prev, UT.T, rec)
            for b in range(batch):
                for k in range(2 * u):
                    g[k, b] = xproj[t, b, k] + rec[b, k] + b_rec[k]
        else:  # hh = act(x_h + (r * h) @ U_h): the h block has to wait for r
            np.dot(h_prev, UT[:2 * u].T, rec_zr)
            for b in range(batch):
                for k in range(2 * u):
                    g[k, b] = xproj[t, b, k] + rec_zr[b, k]
        activate_rows(g, 0, 2 * u, zeros, rec_act)  # z, r
        if reset_after:
            for b in range(batch):
                for j in range(u):
                    rh[t, j, b] = rec[b, 2 * u + j] + b_rec[2 * u + j]
                    g[2 * u + j, b] = xproj[t, b, 2 * u + j] + g[u + j, b] * rh[t, j, b]
        else:
            for b in range(batch):
                for j in range(u):
                    reset_h[b, j] = g[u + j, b] * h_prev[b, j]
            np.dot(reset_h, UT[2 * u:].T, rec_h)
            for b in range(batch):
                for j in range(u):
                    g[2 * u + j, b] = xproj[t, b, 2 * u + j] + rec_h[b, j]
        activate_rows(g, 2 * u, 3 * u, zeros, act)  # hh, the candidate state
        for b in range(batch):
            if masked and not mask[t, b]:  # skipped step: carry the state over
                for j in range(u):
                    hs[t, b, j] = h_prev[b, j]
                    if reset_after:
                        rh[t, j, b] = 0
                for k in range(three_u):
                    g[k, b] = 0
                continue
            for j in range(u):
                z = g[j, b]
                hs[t, b, j] = z * h_prev[b, j] + (one - z) * g[2 * u + j, b]  # Keras: z keeps the old state


@njit(cache=True, no_cfunc_wrapper=True, error_model="numpy")
def _gru_backward_kernel(UT, h0, hs, gates, rh, dhs, dh_next, reset_after, mask, act, rec_act, dxp, drec):
    """BPTT. dxp: gradient of xproj. drec (reset_after only): gradient of h @ U + b_rec."""
    steps, three_u, batch = gates.shape
    u = three_u // 3
    masked = mask.shape[0] > 0
    one = gates.dtype.type(1)
    d = np.empty((three_u, batch), gates.dtype)    # dL/d(gate pre-activations), gate-major
    dh = np.empty((batch, u), gates.dtype)         # dL/dh_t
    dh_rec = np.empty((batch, u), gates.dtype)     # gradient into h_prev through the GEMMs
    dah = np.empty((batch, u), gates.dtype)        # dL/d(hh pre-activation)   (not reset_after)
    d_reset_h = np.empty((batch, u), gates.dtype)  # dL/d(r * h_prev)          (not reset_after)
    dzr = np.empty((batch, 2 * u), gates.dtype)    # dL/d(z, r pre-activations) (not reset_after)
    for t in range(steps - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        g = gates[t]
        for b in range(batch):
            for j in range(u):
                dh[b, j] = dhs[t, b, j] + dh_next[b, j]
                d[j, b] = dh[b, j] * (h_prev[b, j] - g[2 * u + j, b])  # h = z h_prev + (1 - z) hh
                d[2 * u + j, b] = dh[b, j] * (one - g[j, b])
        scale_rows_by_derivative(d, g, 2 * u, 3 * u, act)
        if reset_after:  # r multiplies rh = h @ U_h + b_h
            for j in range(u):
                for b in range(batch):
                    d[u + j, b] = d[2 * u + j, b] * rh[t, j, b]
        else:  # r multiplies h_prev before the GEMM with U_h
            for b in range(batch):
                for j in range(u):
                    dah[b, j] = d[2 * u + j, b]
            np.dot(dah, UT[2 * u:], d_reset_h)
            for b in range(batch):
                for j in range(u):
                    d[u + j, b] = d_reset_h[b, j] * h_prev[b, j]
        scale_rows_by_derivative(d, g, 0, 2 * u, rec_act)
        for b in range(batch):
            skip = masked and not mask[t, b]
            for k in range(three_u):
                dxp[t, b, k] = 0 if skip else d[k, b]
        if reset_after:
            for b in range(batch):
                for k in range(2 * u):
                    drec[t, b, k] = dxp[t, b, k]
                for j in range(u):
                    drec[t, b, 2 * u + j] = dxp[t, b, 2 * u + j] * g[u + j, b]
            np.dot(drec[t], UT, dh_rec)
        else:
            for b in range(batch):
                for k in range(2 * u):
                    dzr[b, k] = dxp[t, b, k]
            np.dot(dzr, UT[:2 * u], dh_rec)
        for b in range(batch):
            if masked and not mask[t, b]:  # skipped step: the state gradient passes through
                for j in range(u):
                    dh_next[b, j] = dh[b, j]
                continue
            for j in range(u):
                direct = dh[b, j] * g[j, b]  # through z * h_prev
                if not reset_after:
                    direct += d_reset_h[b, j] * g[u + j, b]  # through r * h_prev
                dh_next[b, j] = direct + dh_rec[b, j]


def gru_sequence_forward(xproj, h0, recurrent_kernel, recurrent_bias=None, reset_after=True, mask=None,
                         activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs, gates z|r|hh (T, B, 3u) view, rh (T, B, u) view).

    reset_after=True (Keras bias shape (2, 3u)): xproj includes bias[0] and
    recurrent_bias is bias[1]. reset_after=False (bias (3u,)): xproj includes the
    bias and recurrent_bias must be None. rh is h @ U_h + b_h, saved for backward
    when reset_after (empty otherwise).
    """
    UT = np.ascontiguousarray(np.asarray(recurrent_kernel).T)
    units = UT.shape[1]
    xproj, (h0,) = prepare_sequence(xproj, (h0,), units, "gru")
    UT = UT.astype(xproj.dtype, copy=False)
    b_rec = gru_recurrent_bias(recurrent_bias, reset_after, units, xproj.dtype)
    b_rec = np.zeros(0, xproj.dtype) if b_rec is None else b_rec
    steps, batch, three_u = xproj.shape
    hs = np.empty((steps, batch, units), xproj.dtype)
    gates = np.empty((steps, three_u, batch), xproj.dtype)
    rh = np.empty((steps, units, batch) if reset_after else (0, 0, 0), xproj.dtype)
    _gru_forward_kernel(xproj, h0, UT, b_rec, reset_after, kernel_mask(mask, steps, batch), activation,
                        recurrent_activation, hs, gates, rh)
    return hs, gates.transpose(0, 2, 1), rh.transpose(0, 2, 1)


def gru_sequence_backward(recurrent_kernel, h0, hs, gates, rh, dhs, dh_last=None, reset_after=True, mask=None,
                          activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 3u), drecurrent_kernel (u, 3u), drecurrent_bias (3u,) or None, dh0)."""
    dtype = np.asarray(gates).dtype
    UT = np.ascontiguousarray(np.asarray(recurrent_kernel, dtype=dtype).T)
    units = UT.shape[1]
    h0, hs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, hs, dhs))
    gates = gate_major(gates, dtype)
    rh = gate_major(rh, dtype) if reset_after else np.empty((0, 0, 0), dtype)
    dh = final_gradient(dh_last, h0)
    steps, batch = hs.shape[:2]
    dxproj = np.empty((steps, batch, 3 * units), dtype)
    drec = np.empty_like(dxproj) if reset_after else np.empty((0, 0, 0), dtype)
    _gru_backward_kernel(UT, h0, hs, gates, rh, dhs, dh, reset_after, kernel_mask(mask, steps, batch),
                         activation, recurrent_activation, dxproj, drec)
    if reset_after:
        dU = previous_states_gemm(h0, hs, drec)
        return dxproj, dU, drec.reshape(-1, 3 * units).sum(axis=0), dh
    # z and r blocks see h_{t-1}; the h block sees r * h_{t-1}
    h_prev = np.concatenate([h0[None], hs[:-1]])
    dU = np.empty((units, 3 * units), dtype)
    dU[:, :2 * units] = previous_states_gemm(h0, hs, dxproj[:, :, :2 * units])
    reset_h = (gates[:, units:2 * units].transpose(0, 2, 1) * h_prev).reshape(-1, units)
    dU[:, 2 * units:] = reset_h.T @ dxproj[:, :, 2 * units:].reshape(-1, units)
    return dxproj, dU, None, dh
