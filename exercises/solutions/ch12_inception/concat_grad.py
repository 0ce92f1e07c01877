"""Chapter 12, exercise ch12.concat_grad: reference solution."""

import numpy as np


def concat_backward(dy, sizes, axis=-1):
    """Reference solution."""
    return list(np.split(np.asarray(dy), np.cumsum(sizes)[:-1], axis=axis))
