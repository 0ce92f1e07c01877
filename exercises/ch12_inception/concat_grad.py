"""Chapter 12, exercise ch12.concat_grad: the backward pass of a concatenation.

An Inception module ends by concatenating its branches along the channels. In
the backward pass, each branch must get back *its* part of the gradient.
"""

import numpy as np


def concat_backward(dy, sizes, axis=-1):
    """Split the gradient of ``concatenate(xs, axis)`` into one gradient per input.

    ``dy`` is the gradient of the loss with respect to the concatenation's
    output; ``sizes[i]`` is the size of input ``i`` along ``axis`` (so
    ``sum(sizes) == dy.shape[axis]``). Return a list of arrays, the ``i``-th with
    the shape of input ``i``: the slice of ``dy`` that input ``i`` produced.
    Hint: ``np.cumsum`` gives the split points; ``np.split`` or slicing does the rest.
    """
    raise NotImplementedError("ch12.concat_grad: implement concat_backward()")
