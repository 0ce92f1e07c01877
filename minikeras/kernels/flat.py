"""``flat(a)``: a C-contiguous array as a 1-D view, inside numba kernels, compiled for free.

Many kernels walk their arrays through flat views (``im2col.py`` says why: one unsigned
offset per element). ``a.reshape(-1)`` gives that view, but numba builds every reshape
on a general subroutine that checks the new shape and raises on a bad one; the first
kernel of a new process that reshapes compiles that subroutine (~0.1 s, and once more
for kernels with ``error_model="numpy"``), and every kernel that reshapes links it in
and optimizes it again. A C-contiguous array's flat view needs none of that: the same
data, memory owner and parent, with shape (size,) and stride itemsize. ``flat`` builds
exactly that view, in a few instructions, and refuses (a typing error when the kernel
compiles) any array whose layout is not known to be C-contiguous.

It exists only inside kernels (a numba intrinsic); Python code keeps ``a.reshape(-1)``.
"""
from numba import types
from numba.core.imputils import impl_ret_borrowed
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array

__all__ = ["flat"]


@intrinsic
def flat(typingctx, a):
    """The 1-D view of the C-contiguous array ``a`` (usable inside numba kernels only)."""
    if not isinstance(a, types.Array) or a.layout != "C":
        return None  # numba reports "no implementation" for other types
    view = a.copy(ndim=1, layout="C")

    def codegen(context, builder, signature, args):
        source = make_array(signature.args[0])(context, builder, args[0])
        result = make_array(signature.return_type)(context, builder)
        populate_array(result, data=source.data, shape=[source.nitems], strides=[source.itemsize],
                       itemsize=source.itemsize, meminfo=source.meminfo, parent=source.parent)
        return impl_ret_borrowed(context, builder, signature.return_type, result._getvalue())

    return view(a), codegen
