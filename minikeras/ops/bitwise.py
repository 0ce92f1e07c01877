"""Operations on the bits of integers, and integer arithmetic (``gcd``, ``lcm``).

They are defined on integer (and, for the logical ones, bool) tensors only and carry no
gradient: their values change in steps.
"""
import numpy as np

from ..engine.tensor import KerasTensor
from .core import apply, broadcast_shapes, named_op


def _integer_op(name, fn, doc, params=("x", "y"), allow_bool=True):
    """The op ``name`` of the integer tensors named ``params`` (Keras's argument names)."""
    kinds = "biu" if allow_bool else "iu"

    def forward(*arrays):
        for a in arrays:
            if a.dtype.kind not in kinds:
                raise TypeError(f"ops.{name}: expects integer tensors, received dtype {a.dtype}.")
        return fn(*arrays), lambda g: (None,) * len(arrays)

    def run(*xs):
        if any(isinstance(x, KerasTensor) for x in xs):
            shapes = [tuple(x.shape) if hasattr(x, "shape") else np.shape(x) for x in xs]
            first = next(x for x in xs if isinstance(x, KerasTensor))
            return KerasTensor(broadcast_shapes(*shapes), first.dtype)
        return apply(forward, *xs)

    return named_op(run, params, name, doc)


bitwise_and = _integer_op("bitwise_and", np.bitwise_and, "Bitwise AND of x and y.")
bitwise_or = _integer_op("bitwise_or", np.bitwise_or, "Bitwise OR of x and y.")
bitwise_xor = _integer_op("bitwise_xor", np.bitwise_xor, "Bitwise XOR of x and y.")
bitwise_invert = _integer_op("bitwise_invert", np.invert, "Every bit of x flipped (~x).", ("x",))
bitwise_not = _integer_op("bitwise_not", np.invert, "Every bit of x flipped (~x), as bitwise_invert.", ("x",))
bitwise_left_shift = _integer_op("bitwise_left_shift", np.left_shift, "x shifted left by y bits.", allow_bool=False)
bitwise_right_shift = _integer_op("bitwise_right_shift", np.right_shift, "x shifted right by y bits.", allow_bool=False)
left_shift = _integer_op("left_shift", np.left_shift, "x shifted left by y bits.", allow_bool=False)
right_shift = _integer_op("right_shift", np.right_shift, "x shifted right by y bits.", allow_bool=False)
gcd = _integer_op("gcd", np.gcd, "Greatest common divisor of x1 and x2.", ("x1", "x2"), allow_bool=False)
lcm = _integer_op("lcm", np.lcm, "Least common multiple of x1 and x2.", ("x1", "x2"), allow_bool=False)
