"""``normalize``: scale vectors to unit length (or unit p-norm) along an axis."""
import numpy as np

from .. import backend, ops


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis``, as ``keras.utils.normalize`` does.

    A numpy array gives a numpy array, and a vector of norm 0 is left as it is (its norm
    counts as 1). Anything else (a minikeras Tensor, a list) gives a Tensor computed with
    differentiable ops, where the norm is kept above ``epsilon`` instead.
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1, received order={order!r}.")
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        # Keras writes ``axis or -1`` here, which breaks axis=0; the norm goes back where it was taken
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    x = ops.convert_to_tensor(x)
    if x.ndim == 0:
        x = ops.expand_dims(x, 0)
    if order == 2:
        norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    else:
        norm = ops.power(ops.sum(ops.power(ops.abs(x), float(order)), axis=axis, keepdims=True), 1.0 / order)
    return ops.divide(x, ops.maximum(norm, backend.epsilon()))
