"""The arguments of the recurrent kernels, checked the same way for both backends.

Both backends take time-major sequences: ``xproj`` (steps, batch, G*units) is the
input projection x @ kernel + bias of every step (computed by the caller with one
GEMM), the initial states are (batch, units) or None for zeros, and ``mask`` is None
or (steps, batch) booleans, False where a step is skipped.
"""
import numpy as np

__all__ = ["prepare_sequence", "check_mask", "gru_recurrent_bias"]


def prepare_sequence(xproj, states, units, what):
    """Contiguous xproj plus the initial states (zeros when None), all in xproj's dtype."""
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


def check_mask(mask, steps, batch):
    """The mask as a contiguous (steps, batch) boolean array, or None."""
    if mask is None:
        return None
    mask = np.ascontiguousarray(mask, dtype=np.bool_)
    if mask.shape != (steps, batch):
        raise ValueError(f"mask has shape {mask.shape}, expected (steps, batch) = {(steps, batch)}")
    return mask


def gru_recurrent_bias(recurrent_bias, reset_after, units, dtype):
    """The GRU's recurrent bias as a (3u,) vector (zeros when None), or None without reset_after.

    reset_after=True (Keras bias shape (2, 3u)): xproj includes bias[0] and the
    recurrent bias is bias[1]. reset_after=False (bias (3u,)): xproj includes the whole
    bias, and there is no recurrent bias.
    """
    if not reset_after:
        if recurrent_bias is not None:
            raise ValueError("gru: reset_after=False has no recurrent bias; add the bias to xproj")
        return None
    if recurrent_bias is None:
        return np.zeros(3 * units, dtype)
    return np.ascontiguousarray(recurrent_bias, dtype=dtype).reshape(3 * units)
