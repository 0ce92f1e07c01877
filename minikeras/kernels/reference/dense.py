"""Dense layer, y = act(x @ kernel + bias) (reference backend; fast: ``kernels/dense.py``)."""
from .activations import activation, activation_grad

__all__ = ["dense_forward", "dense_backward"]


def dense_forward(x2d, kernel, bias, code):
    """y = act(x2d @ kernel + bias); x2d (batch, in), kernel (in, units), bias (units,) or None."""
    z = x2d @ kernel
    if bias is not None:
        z = z + bias
    return activation(z, code)


def dense_backward(x2d, kernel, y, dy, code, has_bias, need_dx=True):
    """(dx or None, dkernel, dbias or None) from the input x2d, the output y and dL/dy.

    With dz = dL/dz = dy * act'(z):  dx = dz @ kernel.T,  dkernel = x2d.T @ dz,  dbias = sum of dz's rows.
    """
    dz = activation_grad(y, dy, code)
    dx = dz @ kernel.T if need_dx else None
    return dx, x2d.T @ dz, (dz.sum(axis=0) if has_bias else None)
