"""LSTM, GRU and SimpleRNN over a whole sequence, one step at a time, written like the
equations (reference backend; fast: ``kernels/lstm.py``, ``gru.py``, ``simple_rnn.py``).

Keras weight layouts: kernel (input_dim, G*units), recurrent_kernel U (units, G*units),
the gates side by side along the last axis: LSTM i, f, c, o (G=4); GRU z, r, h (G=3);
SimpleRNN one block (G=1). The caller projects every step's input at once,
``xproj = x @ kernel + bias`` (steps, batch, G*units); see ``sequences.py`` for the
arguments and ``kernels/recurrent.py`` for why the fast kernels are shaped as they are.

Masking: where ``mask[t, b]`` is False the step is skipped: the states *and* the output
carry over from the previous step (``np.where``), the saved gates are 0, and in
backward the state gradient passes straight through. Backward uses only the saved,
activated gates: every supported derivative is a function of the activation's output.
"""
import numpy as np

from ..activation_codes import SIGMOID, TANH
from ..sequences import check_mask, gru_recurrent_bias, prepare_sequence
from .activations import activation as apply_activation  # the parameters named `activation` are codes
from .activations import activation_grad

__all__ = ["lstm_sequence_forward", "lstm_sequence_backward", "gru_sequence_forward", "gru_sequence_backward",
           "simple_rnn_sequence_forward", "simple_rnn_sequence_backward"]


def _keep(mask, t):
    """(batch, 1) booleans: the rows that take step t (None: all of them)."""
    return None if mask is None else mask[t][:, None]


def _select(keep, new, old):
    return new if keep is None else np.where(keep, new, old)


def _final_gradient(g, like):
    return np.zeros_like(like) if g is None else g


# --------------------------------------------------------------------------- LSTM

def lstm_sequence_forward(xproj, h0, c0, recurrent_kernel, mask=None, activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs, cs, gates): the states after every step (T, B, u) and the activated gates i|f|c|o (T, B, 4u).

        i, f, g, o = σ(zi), σ(zf), act(zg), σ(zo)  with z = xproj[t] + h @ U
        c = f * c_prev + i * g,   h = o * act(c)
    """
    xproj, (h, c) = prepare_sequence(xproj, (h0, c0), recurrent_kernel.shape[0], "lstm")
    mask = check_mask(mask, *xproj.shape[:2])
    act, ract = _activations(activation, recurrent_activation)
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


def lstm_sequence_backward(recurrent_kernel, h0, c0, hs, cs, gates, dhs, dh_last=None, dc_last=None, mask=None,
                           activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 4u), drecurrent_kernel (u, 4u), dh0, dc0), walking the steps backwards."""
    mask = check_mask(mask, *hs.shape[:2])
    dact, dract = _gradients(activation, recurrent_activation)
    dh, dc = _final_gradient(dh_last, h0), _final_gradient(dc_last, c0)
    dxproj = np.zeros_like(gates)
    dU = np.zeros_like(recurrent_kernel)
    for t in reversed(range(gates.shape[0])):
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        i, f, g, o = np.split(gates[t], 4, axis=1)
        tc = apply_activation(cs[t], activation)
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


# --------------------------------------------------------------------------- GRU

def gru_sequence_forward(xproj, h0, recurrent_kernel, recurrent_bias=None, reset_after=True, mask=None,
                         activation=TANH, recurrent_activation=SIGMOID):
    """-> (hs (T, B, u), gates z|r|hh (T, B, 3u), rh (T, B, u); empty without reset_after).

        z, r = σ(x_z + h @ U_z + b_z), σ(x_r + h @ U_r + b_r)
        hh = act(x_h + r * (h @ U_h + b_h))      (reset_after; rh = h @ U_h + b_h is saved)
        hh = act(x_h + (r * h) @ U_h)            (not reset_after)
        h = z * h_prev + (1 - z) * hh            (Keras: z keeps the old state)
    """
    u = recurrent_kernel.shape[0]
    xproj, (h,) = prepare_sequence(xproj, (h0,), u, "gru")
    mask = check_mask(mask, *xproj.shape[:2])
    b = gru_recurrent_bias(recurrent_bias, reset_after, u, xproj.dtype)
    b = np.zeros(3 * u, xproj.dtype) if b is None else b
    act, ract = _activations(activation, recurrent_activation)
    U_zr, U_h = recurrent_kernel[:, :2 * u], recurrent_kernel[:, 2 * u:]
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


def gru_sequence_backward(recurrent_kernel, h0, hs, gates, rh, dhs, dh_last=None, reset_after=True, mask=None,
                          activation=TANH, recurrent_activation=SIGMOID):
    """-> (dxproj (T, B, 3u), drecurrent_kernel (u, 3u), drecurrent_bias (3u,) or None, dh0)."""
    mask = check_mask(mask, *hs.shape[:2])
    dact, dract = _gradients(activation, recurrent_activation)
    u = recurrent_kernel.shape[0]
    U_zr, U_h = recurrent_kernel[:, :2 * u], recurrent_kernel[:, 2 * u:]
    dh = _final_gradient(dh_last, h0)
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


# --------------------------------------------------------------------------- SimpleRNN

def simple_rnn_sequence_forward(xproj, h0, recurrent_kernel, mask=None, activation=TANH):
    """-> hs (T, B, u) with h_t = act(xproj_t + h_{t-1} @ U)."""
    xproj, (h,) = prepare_sequence(xproj, (h0,), recurrent_kernel.shape[0], "simple_rnn")
    mask = check_mask(mask, *xproj.shape[:2])
    hs = []
    for t in range(xproj.shape[0]):
        h = _select(_keep(mask, t), apply_activation(xproj[t] + h @ recurrent_kernel, activation), h)
        hs.append(h)
    return np.stack(hs)


def simple_rnn_sequence_backward(recurrent_kernel, h0, hs, dhs, dh_last=None, mask=None, activation=TANH):
    """-> (dxproj (T, B, u), drecurrent_kernel (u, u), dh0)."""
    mask = check_mask(mask, *hs.shape[:2])
    dh = _final_gradient(dh_last, h0)
    dxproj = np.zeros_like(hs)
    dU = np.zeros_like(recurrent_kernel)
    for t in reversed(range(hs.shape[0])):
        h_prev = h0 if t == 0 else hs[t - 1]
        keep = _keep(mask, t)
        dh_t = dhs[t] + dh
        da = activation_grad(hs[t], dh_t, activation) * (1 if keep is None else keep)
        dxproj[t] = da
        dU += h_prev.T @ da
        dh = _select(keep, da @ recurrent_kernel.T, dh_t)
    return dxproj, dU, dh


# --------------------------------------------------------------------------- activations by code


def _activations(code, recurrent_code):
    return (lambda v: apply_activation(v, code)), (lambda v: apply_activation(v, recurrent_code))


def _gradients(code, recurrent_code):
    return (lambda y, d: activation_grad(y, d, code)), (lambda y, d: activation_grad(y, d, recurrent_code))
