"""Global settings shared by every layer: float type, epsilon and the name counters.

Names follow standalone Keras 2: one counter per prefix, starting at 1, so the first
Dense is ``dense_1`` and the first Input is ``input_1``. ``clear_session()`` resets them.
"""
import re
from collections import defaultdict

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_UIDS = defaultdict(int)


def floatx():
    """The default float type of weights and computations ('float32')."""
    return _FLOATX


def set_floatx(value):
    """Set the default float type: 'float32' (default) or 'float64' (gradient checks)."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}. Expected 'float16', 'float32' or 'float64'.")
    _FLOATX = str(value)


def epsilon():
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def get_uid(prefix=""):
    """Return 1, 2, 3, ... on successive calls with the same prefix."""
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def reset_uids():
    _UIDS.clear()


def clear_session():
    """Forget every automatic name, so the next Dense is ``dense_1`` again."""
    reset_uids()


def to_snake_case(name):
    """Keras 2's class-name-to-prefix rule: MaxPooling2D -> max_pooling2d."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def standardize_dtype(dtype):
    """Turn None, numpy dtypes and strings into a dtype name such as 'float32'.

    Text is Keras's ``"string"`` (numpy has no such name: its str arrays are 'U' kinds)."""
    if dtype is None:
        return floatx()
    if dtype is str or dtype is bytes or (isinstance(dtype, str) and dtype in ("string", "str")):
        return "string"
    dtype = np.dtype(dtype)
    return "string" if dtype.kind in "US" else dtype.name


def int_shape(x):
    return tuple(x.shape)
