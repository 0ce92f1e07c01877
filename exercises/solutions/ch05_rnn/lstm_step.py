"""Chapter 5: what an LSTM layer computes, step by step, in NumPy.

Keras's weight layout, with ``units`` = u and ``features`` = the input size per step:

    kernel            (features, 4u)   input to gates
    recurrent_kernel  (u, 4u)          previous hidden state to gates
    bias              (4u,)

The four gates sit side by side along the last axis, in the order **i, f, c, o**:
columns ``0:u`` are the input gate, ``u:2u`` the forget gate, ``2u:3u`` the candidate
values, ``3u:4u`` the output gate.
"""
import numpy as np  # noqa: F401


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step; return ``(h, c)``, the new hidden and cell states, each (batch, u).

    ``x_t`` is the input at this step, (batch, features); ``h_prev`` and ``c_prev`` the
    states after the previous step, (batch, u). With ``z = x_t @ kernel + h_prev @
    recurrent_kernel + bias`` split into the four gate blocks (order i, f, c, o)::

        i = sigmoid(z_i)    f = sigmoid(z_f)    g = tanh(z_c)    o = sigmoid(z_o)
        c = f * c_prev + i * g
        h = o * tanh(c)

    Keep the dtype of ``x_t``.
    """
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)
    h = sigmoid(z_o) * np.tanh(c)
    return h.astype(x_t.dtype), c.astype(x_t.dtype)


def lstm_forward(x, kernel, recurrent_kernel, bias, return_sequences=False):
    """Run an LSTM over a batch of sequences ``x`` of shape (batch, steps, features).

    Start from zero states and apply ``lstm_step`` at every step, in order. Return the
    last hidden state, (batch, u), like ``LSTM(u)``; with ``return_sequences=True``
    return the hidden state after every step, (batch, steps, u), like
    ``LSTM(u, return_sequences=True)``.
    """
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    h = np.zeros((batch, units), x.dtype)
    c = np.zeros((batch, units), x.dtype)
    hs = []
    for t in range(steps):
        h, c = lstm_step(x[:, t, :], h, c, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, axis=1) if return_sequences else h


def lstm_params(features, units):
    """Number of parameters of ``LSTM(units)`` reading ``features`` numbers per step:
    the entries of its kernel, recurrent kernel and bias."""
    return 4 * units * (features + units + 1)
