"""``pad_sequences``: a list of sequences of different lengths as one rectangular array.

Layers take arrays, but sentences have different lengths. Padding brings every sequence to
``maxlen`` steps: the short ones get ``value`` added (before them with ``padding="pre"``,
the default, so that the real tokens sit next to the end, where a recurrent layer's last
state is read), the long ones lose steps (from the start with ``truncating="pre"``).
``Embedding(mask_zero=True)`` then hides the padding 0s from the layers after it.
"""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (and truncate) ``sequences`` to an array of shape (len(sequences), maxlen, ...).

    Keras's semantics: ``maxlen=None`` means the longest sequence's length; each step may be
    a scalar or an array (all steps of the same shape); ``dtype=object`` or a string dtype
    allows strings. One difference: where Keras silently truncates floats such as 0.5 to the
    integer dtype (0), minikeras raises an error that suggests a float ``dtype``.
    """
    # 1. Check the arguments, and read every sequence's length and step shape.
    if padding not in ("pre", "post"):
        raise ValueError(f'pad_sequences: padding type "{padding}" not understood; use "pre" or "post".')
    if truncating not in ("pre", "post"):
        raise ValueError(f'pad_sequences: truncating type "{truncating}" not understood; '
                         'use "pre" or "post".')
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: `sequences` must be a list of sequences, received "
                         f"{type(sequences).__name__}.")
    lengths, step_shape = [], None
    for i, seq in enumerate(sequences):
        try:
            lengths.append(len(seq))
        except TypeError:
            raise ValueError(f"pad_sequences: `sequences` must be a list of iterables. Found non-iterable "
                             f"{seq!r} at position {i}.") from None
        if step_shape is None and len(seq):
            step_shape = np.asarray(seq).shape[1:]
    step_shape = step_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"pad_sequences: `maxlen` must be a non-negative integer or None, "
                         f"received {maxlen!r}.")
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in "OUS":
        raise ValueError(f"pad_sequences: `dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value).__name__}. Set dtype=object for variable-length strings.")
    _check_exact(np.asarray(value), dtype, "`value`")

    # 2. Fill an array with the padding value, then copy each (truncated) sequence into it.
    out = np.full((len(lengths), int(maxlen)) + tuple(step_shape), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        if not len(seq) or not maxlen:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        raw = np.asarray(kept)
        if raw.shape[1:] != tuple(step_shape):
            raise ValueError(f"pad_sequences: shape of sample {raw.shape[1:]} of sequence at position "
                             f"{i} is different from expected shape {tuple(step_shape)}.")
        _check_exact(raw, dtype, f"sequence {i}")
        if padding == "post":
            out[i, :len(raw)] = raw
        else:
            out[i, -len(raw):] = raw
    return out


def _check_exact(values, dtype, what):
    """Refuse to turn non-integral numbers into an integer dtype (Keras would drop the fraction)."""
    if np.dtype(dtype).kind in "iu" and values.dtype.kind == "f" and values.size:
        if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
            bad = values[~np.isfinite(values) | (values != np.round(values))].flat[0].item()
            raise ValueError(f"pad_sequences: {what} holds {bad!r}, which dtype={dtype!r} cannot represent "
                             "(its fraction would be lost). Pass dtype='float32' for real-valued "
                             "sequences.")
