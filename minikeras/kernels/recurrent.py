"""Recurrent layers (LSTM, GRU, SimpleRNN) over a whole sequence, time-major.

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
  steps, so they are left to big GEMMs after the loop: this module returns
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

Activations are the codes of ``activations.py`` (any of linear, relu, sigmoid, tanh,
hard_sigmoid): defaults tanh for ``activation`` and sigmoid for
``recurrent_activation``. Backward uses only the saved activated gates, because
every supported derivative is a function of the activation's output.

numba's cache does not see edits in activations.py (imported below): clear this
module's cache after changing activations.py.
"""
import numpy as np
from numba import njit

from .activations import (SIGMOID, TANH, activate_columns, activation_grad_from_output_reference,
                          apply_activation_reference, multiply_by_derivative)

__all__ = [
    "lstm_sequence_forward", "lstm_sequence_backward", "gru_sequence_forward", "gru_sequence_backward",
    "simple_rnn_sequence_forward", "simple_rnn_sequence_backward",
    "lstm_sequence_forward_reference", "lstm_sequence_backward_reference",
    "gru_sequence_forward_reference", "gru_sequence_backward_reference",
    "simple_rnn_sequence_forward_reference", "simple_rnn_sequence_backward_reference",
]


# --------------------------------------------------------------------------- layout
# Inside the kernels, each step's gates are stored gate-major, (G*units, batch), not
# (batch, G*units): then a gate block (say all the forget gates of the batch) is one
# contiguous run of units*batch values, and activate_columns sweeps it in one long
# vectorized loop. In the (batch, G*units) layout each block is `units` values per
# row, which for small layers leaves the vector loop mostly unused: measured 6x
# slower for units=10, batch=32. The saved gates are handed to the caller as a
# (T, B, G*u) transposed view of the gate-major array, which backward turns back
# without copying.

@njit(cache=True, error_model="numpy")
def _activate_rows(a, r0, r1, zeros, code):
    """Activate rows r0:r1 of a gate-major (rows, batch) array as one contiguous run."""
    n = a.shape[1]
    activate_columns(a.reshape(1, a.size), r0 * n, r1 * n, zeros, code)


@njit(cache=True, error_model="numpy")
def _scale_rows_by_derivative(d, y, r0, r1, code):
    """d[r0:r1] *= act'(z) given y[r0:r1] = act(z), both gate-major (rows, batch)."""
    n = d.shape[1]
    multiply_by_derivative(d.reshape(1, d.size), y.reshape(1, y.size), r0 * n, r1 * n, code)


# --------------------------------------------------------------------------- LSTM kernels

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
        _activate_rows(z, 0, 2 * u, zeros, rec_act)  # i, f
        _activate_rows(z, 2 * u, 3 * u, zeros, act)  # c: the candidate, g below
        _activate_rows(z, 3 * u, 4 * u, zeros, rec_act)  # o
        for b in range(batch):
            for j in range(u):
                c = z[u + j, b] * c_prev[b, j] + z[j, b] * z[2 * u + j, b]  # f * c_prev + i * g
                cs[t, b, j] = c
                tc[j, b] = c
        _activate_rows(tc, 0, u, zeros, act)
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
        _activate_rows(tc, 0, u, zeros, act)
        for j in range(u):
            for b in range(batch):
                dtc[j, b] = dh[j, b] * g[3 * u + j, b]  # h = o * act(c)
        _scale_rows_by_derivative(dtc, tc, 0, u, act)
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
        _scale_rows_by_derivative(d, g, 0, 2 * u, rec_act)
        _scale_rows_by_derivative(d, g, 2 * u, 3 * u, act)
        _scale_rows_by_derivative(d, g, 3 * u, 4 * u, rec_act)
        for b in range(batch):
            skip = masked and not mask[t, b]
            for k in range(four_u):
                dz[t, b, k] = 0 if skip else d[k, b]
        np.dot(dz[t], Ut, dh_rec)
        for b in range(batch):
            skip = masked and not mask[t, b]
            for j in range(u):
                dh_next[b, j] = dh[j, b] if skip else dh_rec[b, j]


# --------------------------------------------------------------------------- GRU kernels
# UT is recurrent_kernel.T made contiguous, shape (3u, u): the z|r block UT[:2u] and
# the h block UT[2u:] are then contiguous too, and their transposes (the blocks of
# recurrent_kernel) are free views that BLAS reads with a transpose flag.

@njit(cache=True, error_model="numpy")
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
        _activate_rows(g, 0, 2 * u, zeros, rec_act)  # z, r
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
        _activate_rows(g, 2 * u, 3 * u, zeros, act)  # hh, the candidate state
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


@njit(cache=True, error_model="numpy")
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
        _scale_rows_by_derivative(d, g, 2 * u, 3 * u, act)
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
        _scale_rows_by_derivative(d, g, 0, 2 * u, rec_act)
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


# --------------------------------------------------------------------------- SimpleRNN kernels
# One gate block that spans whole rows: hs[t] is already one contiguous run.

@njit(cache=True, error_model="numpy")
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
        activate_columns(h.reshape(1, h.size), 0, h.size, zeros, act)
        for b in range(batch):
            if masked and not mask[t, b]:
                for j in range(u):
                    h[b, j] = h_prev[b, j]


@njit(cache=True, error_model="numpy")
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
        multiply_by_derivative(d.reshape(1, d.size), hs[t].reshape(1, d.size), 0, d.size, act)
        np.dot(d, Ut, dh_rec)
        for b in range(batch):
            if not masked or mask[t, b]:
                for j in range(u):
                    dh_next[b, j] = dh_rec[b, j]


# --------------------------------------------------------------------------- wrappers

def _prepare(xproj, states, units, what):
    """Contiguous xproj plus initial states (zeros when None), all in xproj's dtype."""
    xproj = np.ascontiguousarray(xproj)
    if xproj.ndim != 3:
        raise ValueError(f"{what}: xproj must be time-major (steps, batch, features), got shape {xproj.shape}")
    batch = xproj.shape[1]
    out = []
    for s in states:
        s = np.zeros((batch, units), xproj.dtype) if s is None else np.ascontiguousarray(s, dtype=xproj.dtype)
        if s.shape != (batch, units):
            raise ValueError(f"{what}: initial state has shape {s.shape}, expected {(batch, units)}")
        out.append(s)
    return xproj, out


def _mask_array(mask, steps, batch):
    if mask is None:
        return np.zeros((0, 0), np.bool_)
    mask = np.ascontiguousarray(mask, dtype=np.bool_)
    if mask.shape != (steps, batch):
        raise ValueError(f"mask has shape {mask.shape}, expected (steps, batch) = {(steps, batch)}")
    return mask


def _gate_major(a, dtype):
    """(T, B, n) -> contiguous (T, n, B); free for the transposed views that forward returns."""
    return np.ascontiguousarray(np.asarray(a, dtype=dtype).transpose(0, 2, 1))


def _final_grad(g, like):
    return np.zeros_like(like) if g is None else np.array(g, dtype=like.dtype, order="C")  # a copy we may mutate


def _previous_states_gemm(h0, hs, d):
    """sum over t of h_{t-1}.T @ d[t], as two GEMMs (no concatenated copy of the states)."""
    units = h0.shape[1]
    out = h0.T @ d[0]
    if len(hs) > 1:
        out += hs[:-1].reshape(-1, units).T @ d[1:].reshape(-1, d.shape[2])
    return out


def lstm_sequence_forward(xproj, h0, c0, recurrent_kernel, mask=None, activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs, cs, gates): states after every step (T, B, u), and the activated gates
    i|f|c|o as a (T, B, 4u) view (see "layout" above); pass them back to backward."""
    U = np.ascontiguousarray(recurrent_kernel)
    xproj, (h0, c0) = _prepare(xproj, (h0, c0), U.shape[0], "lstm")
    U = U.astype(xproj.dtype, copy=False)
    steps, batch, four_u = xproj.shape
    hs = np.empty((steps, batch, U.shape[0]), xproj.dtype)
    cs = np.empty_like(hs)
    gates = np.empty((steps, four_u, batch), xproj.dtype)
    _lstm_forward_kernel(xproj, h0, c0, U, _mask_array(mask, steps, batch), activation, recurrent_activation,
                         hs, cs, gates)
    return hs, cs, gates.transpose(0, 2, 1)


def lstm_sequence_backward(recurrent_kernel, h0, c0, hs, cs, gates, dhs, dh_last=None, dc_last=None, mask=None,
                           activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 4u), drecurrent_kernel (u, 4u), dh0, dc0)."""
    dtype = np.asarray(gates).dtype
    U = np.ascontiguousarray(recurrent_kernel, dtype=dtype)
    h0, c0, hs, cs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, c0, hs, cs, dhs))
    gates = _gate_major(gates, dtype)
    dh, dc = _final_grad(dh_last, h0), _final_grad(dc_last, c0)
    dxproj = np.empty((gates.shape[0], gates.shape[2], gates.shape[1]), dtype)
    _lstm_backward_kernel(U, c0, cs, gates, dhs, dh, dc, _mask_array(mask, *dxproj.shape[:2]), activation,
                          recurrent_activation, dxproj)
    return dxproj, _previous_states_gemm(h0, hs, dxproj), dh, dc


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
    xproj, (h0,) = _prepare(xproj, (h0,), units, "gru")
    UT = UT.astype(xproj.dtype, copy=False)
    if reset_after:
        b_rec = np.zeros(3 * units, xproj.dtype) if recurrent_bias is None else \
            np.ascontiguousarray(recurrent_bias, dtype=xproj.dtype).reshape(3 * units)
    elif recurrent_bias is not None:
        raise ValueError("gru: reset_after=False has no recurrent bias; add the bias to xproj")
    else:
        b_rec = np.zeros(0, xproj.dtype)
    steps, batch, three_u = xproj.shape
    hs = np.empty((steps, batch, units), xproj.dtype)
    gates = np.empty((steps, three_u, batch), xproj.dtype)
    rh = np.empty((steps, units, batch) if reset_after else (0, 0, 0), xproj.dtype)
    _gru_forward_kernel(xproj, h0, UT, b_rec, reset_after, _mask_array(mask, steps, batch), activation,
                        recurrent_activation, hs, gates, rh)
    return hs, gates.transpose(0, 2, 1), rh.transpose(0, 2, 1)


def gru_sequence_backward(recurrent_kernel, h0, hs, gates, rh, dhs, dh_last=None, reset_after=True, mask=None,
                          activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 3u), drecurrent_kernel (u, 3u), drecurrent_bias (3u,) or None, dh0)."""
    dtype = np.asarray(gates).dtype
    UT = np.ascontiguousarray(np.asarray(recurrent_kernel, dtype=dtype).T)
    units = UT.shape[1]
    h0, hs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, hs, dhs))
    gates = _gate_major(gates, dtype)
    rh = _gate_major(rh, dtype) if reset_after else np.empty((0, 0, 0), dtype)
    dh = _final_grad(dh_last, h0)
    steps, batch = hs.shape[:2]
    dxproj = np.empty((steps, batch, 3 * units), dtype)
    drec = np.empty_like(dxproj) if reset_after else np.empty((0, 0, 0), dtype)
    _gru_backward_kernel(UT, h0, hs, gates, rh, dhs, dh, reset_after, _mask_array(mask, steps, batch),
                         activation, recurrent_activation, dxproj, drec)
    if reset_after:
        dU = _previous_states_gemm(h0, hs, drec)
        return dxproj, dU, drec.reshape(-1, 3 * units).sum(axis=0), dh
    # z and r blocks see h_{t-1}; the h block sees r * h_{t-1}
    h_prev = np.concatenate([h0[None], hs[:-1]])
    dU = np.empty((units, 3 * units), dtype)
    dU[:, :2 * units] = _previous_states_gemm(h0, hs, dxproj[:, :, :2 * units])
    reset_h = (gates[:, units:2 * units].transpose(0, 2, 1) * h_prev).reshape(-1, units)
    dU[:, 2 * units:] = reset_h.T @ dxproj[:, :, 2 * units:].reshape(-1, units)
    return dxproj, dU, None, dh


def simple_rnn_sequence_forward(xproj, h0, recurrent_kernel, mask=None, activation=TANH):
    """-> hs (T, B, u) with h_t = act(xproj_t + h_{t-1} @ recurrent_kernel)."""
    U = np.ascontiguousarray(recurrent_kernel)
    xproj, (h0,) = _prepare(xproj, (h0,), U.shape[0], "simple_rnn")
    U = U.astype(xproj.dtype, copy=False)
    hs = np.empty_like(xproj)
    _rnn_forward_kernel(xproj, h0, U, _mask_array(mask, *xproj.shape[:2]), activation, hs)
    return hs


def simple_rnn_sequence_backward(recurrent_kernel, h0, hs, dhs, dh_last=None, mask=None, activation=TANH):
    """-> (dxproj (T, B, u), drecurrent_kernel (u, u), dh0)."""
    dtype = hs.dtype
    U = np.ascontiguousarray(recurrent_kernel, dtype=dtype)
    h0, hs, dhs = (np.ascontiguousarray(a, dtype=dtype) for a in (h0, hs, dhs))
    dh = _final_grad(dh_last, h0)
    dxproj = np.empty_like(hs)
    _rnn_backward_kernel(U, hs, dhs, dh, _mask_array(mask, *hs.shape[:2]), activation, dxproj)
    return dxproj, _previous_states_gemm(h0, hs, dxproj), dh


# --------------------------------------------------------------------------- references
# Plain numpy, one step at a time, written like the equations. Masked rows keep their
# old state via np.where (their saved gates are 0); in backward their gradient passes
# through unchanged.

def _keep(mask, t):
    return None if mask is None else np.asarray(mask, bool)[t][:, None]


def _select(keep, new, old):
    return new if keep is None else np.where(keep, new, old)


def lstm_sequence_forward_reference(xproj, h0, c0, recurrent_kernel, mask=None, activation=TANH,
                                    recurrent_activation=SIGMOID):
    act = lambda v: apply_activation_reference(v, activation)  # noqa: E731
    ract = lambda v: apply_activation_reference(v, recurrent_activation)  # noqa: E731
    h, c = h0, c0
    hs, cs, gates = [], [], []
    for t in range(xproj.shape[0]):
        zi, zf, zg, zo = np.split(xproj[t] + h @ recurrent_kernel, 4, axis=1)
        i, f, g, o = ract(zi), ract(zf), act(zg), ract(zo)
        c_new = f * c + i * g
        h_new = o * act(c_new)
        keep = _keep(mask, t)
        h, c = _select(keep, h_new, h), _select(keep, c_new, c)
        hs.append(h)
        cs.append(c)
        gates.append(_select(keep, np.concatenate([i, f, g, o], axis=1), 0))
    return np.stack(hs), np.stack(cs), np.stack(gates)


def lstm_sequence_backward_reference(recurrent_kernel, h0, c0, hs, cs, gates, dhs, dh_last=None, dc_last=None,
                                     mask=None, activation=TANH, recurrent_activation=SIGMOID):
    dact = lambda y, d: activation_grad_from_output_reference(y, d, activation)  # noqa: E731
    dract = lambda y, d: activation_grad_from_output_reference(y, d, recurrent_activation)  # noqa: E731
    dh = np.zeros_like(h0) if dh_last is None else dh_last
    dc = np.zeros_like(c0) if dc_last is None else dc_last
    dxproj = np.zeros_like(gates)
    dU = np.zeros_like(recurrent_kernel)
    for t in reversed(range(gates.shape[0])):
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        i, f, g, o = np.split(gates[t], 4, axis=1)
        tc = apply_activation_reference(cs[t], activation)
        dh_t = dhs[t] + dh
        dc_t = dc + dact(tc, dh_t * o)
        dz = np.concatenate([dract(i, dc_t * g), dract(f, dc_t * c_prev), dact(g, dc_t * i), dract(o, dh_t * tc)],
                            axis=1)
        keep = _keep(mask, t)
        if keep is not None:
            dz = dz * keep
        dxproj[t] = dz
        dU += h_prev.T @ dz
        dh = _select(keep, dz @ recurrent_kernel.T, dh_t)
        dc = _select(keep, dc_t * f, dc)
    return dxproj, dU, dh, dc


def gru_sequence_forward_reference(xproj, h0, recurrent_kernel, recurrent_bias=None, reset_after=True, mask=None,
                                   activation=TANH, recurrent_activation=SIGMOID):
    act = lambda v: apply_activation_reference(v, activation)  # noqa: E731
    ract = lambda v: apply_activation_reference(v, recurrent_activation)  # noqa: E731
    u = recurrent_kernel.shape[0]
    U_zr, U_h = recurrent_kernel[:, :2 * u], recurrent_kernel[:, 2 * u:]
    b = np.zeros(3 * u, xproj.dtype) if recurrent_bias is None else np.reshape(recurrent_bias, -1)
    h = h0
    hs, gates, rhs = [], [], []
    for t in range(xproj.shape[0]):
        x_z, x_r, x_h = np.split(xproj[t], 3, axis=1)
        rec_z, rec_r = np.split(h @ U_zr + b[:2 * u], 2, axis=1)
        z, r = ract(x_z + rec_z), ract(x_r + rec_r)
        keep = _keep(mask, t)
        if reset_after:
            rh = h @ U_h + b[2 * u:]
            hh = act(x_h + r * rh)
            rhs.append(_select(keep, rh, 0))
        else:
            hh = act(x_h + (r * h) @ U_h)
        h = _select(keep, z * h + (1 - z) * hh, h)
        hs.append(h)
        gates.append(_select(keep, np.concatenate([z, r, hh], axis=1), 0))
    rh = np.stack(rhs) if reset_after else np.empty((0, 0, 0), xproj.dtype)
    return np.stack(hs), np.stack(gates), rh


def gru_sequence_backward_reference(recurrent_kernel, h0, hs, gates, rh, dhs, dh_last=None, reset_after=True,
                                    mask=None, activation=TANH, recurrent_activation=SIGMOID):
    dact = lambda y, d: activation_grad_from_output_reference(y, d, activation)  # noqa: E731
    dract = lambda y, d: activation_grad_from_output_reference(y, d, recurrent_activation)  # noqa: E731
    u = recurrent_kernel.shape[0]
    U_zr, U_h = recurrent_kernel[:, :2 * u], recurrent_kernel[:, 2 * u:]
    dh = np.zeros_like(h0) if dh_last is None else dh_last
    dxproj = np.zeros_like(gates)
    dU = np.zeros_like(recurrent_kernel)
    db = np.zeros(3 * u, gates.dtype)
    for t in reversed(range(gates.shape[0])):
        h_prev = h0 if t == 0 else hs[t - 1]
        z, r, hh = np.split(gates[t], 3, axis=1)
        keep = _keep(mask, t)
        m = 1 if keep is None else keep
        dh_t = dhs[t] + dh
        daz = dract(z, dh_t * (h_prev - hh)) * m
        dah = dact(hh, dh_t * (1 - z)) * m
        if reset_after:
            dar = dract(r, dah * rh[t])
            drec = np.concatenate([daz, dar, dah * r], axis=1)
            dU += h_prev.T @ drec
            db += drec.sum(axis=0)
            dh_prev = dh_t * z * m + drec @ recurrent_kernel.T
        else:
            d_reset_h = dah @ U_h.T
            dar = dract(r, d_reset_h * h_prev)
            dU[:, :2 * u] += h_prev.T @ np.concatenate([daz, dar], axis=1)
            dU[:, 2 * u:] += (r * h_prev).T @ dah
            dh_prev = dh_t * z * m + d_reset_h * r + np.concatenate([daz, dar], axis=1) @ U_zr.T
        dxproj[t] = np.concatenate([daz, dar, dah], axis=1)
        dh = _select(keep, dh_prev, dh_t)
    return dxproj, dU, (db if reset_after else None), dh


def simple_rnn_sequence_forward_reference(xproj, h0, recurrent_kernel, mask=None, activation=TANH):
    h = h0
    hs = []
    for t in range(xproj.shape[0]):
        h = _select(_keep(mask, t), apply_activation_reference(xproj[t] + h @ recurrent_kernel, activation), h)
        hs.append(h)
    return np.stack(hs)


def simple_rnn_sequence_backward_reference(recurrent_kernel, h0, hs, dhs, dh_last=None, mask=None, activation=TANH):
    dh = np.zeros_like(h0) if dh_last is None else dh_last
    dxproj = np.zeros_like(hs)
    dU = np.zeros_like(recurrent_kernel)
    for t in reversed(range(hs.shape[0])):
        h_prev = h0 if t == 0 else hs[t - 1]
        keep = _keep(mask, t)
        dh_t = dhs[t] + dh
        da = activation_grad_from_output_reference(hs[t], dh_t, activation) * (1 if keep is None else keep)
        dxproj[t] = da
        dU += h_prev.T @ da
        dh = _select(keep, da @ recurrent_kernel.T, dh_t)
    return dxproj, dU, dh
