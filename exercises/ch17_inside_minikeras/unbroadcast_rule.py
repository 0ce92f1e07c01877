"""Chapter 17, exercise ch17.unbroadcast: the gradient of NumPy broadcasting.

``x + b`` with ``x`` of shape ``(32, 10)`` and ``b`` of shape ``(10,)`` uses
each entry of ``b`` 32 times. So the gradient that reaches ``b`` is the sum of
the 32 gradients: every ``backward`` of an elementwise op in ``minikeras.ops``
ends with ``unbroadcast(g, shape)``. Write it, and the forward rule it undoes.
"""


def broadcast_shape(shape_a, shape_b):
    """The shape of ``a + b`` for arrays of shapes ``shape_a`` and ``shape_b`` (NumPy's rule).

    Align the shapes on the right; missing leading axes count as 1; on each
    axis the sizes must be equal or one of them 1 (the result takes the other).
    Raise ``ValueError`` when two sizes differ and neither is 1.
    Example: ``(4, 1, 3)`` and ``(5, 1)`` give ``(4, 5, 3)``.
    """
    raise NotImplementedError("ch17.unbroadcast: implement broadcast_shape()")


def unbroadcast(g, shape):
    """Sum the gradient ``g`` (shape of the broadcast result) down to ``shape``.

    ``shape`` is the shape of an operand that was broadcast to ``g.shape``.
    Sum ``g`` over the leading axes that ``shape`` does not have, then, keeping
    the axis, over every axis where ``shape`` has size 1 but ``g`` does not.
    Return an array of exactly ``shape`` (``g`` itself if nothing to do).
    Example: ``g`` of shape ``(4, 5, 3)`` and ``shape=(5, 1)``: sum over axis 0,
    then over the last axis with ``keepdims=True``.
    """
    raise NotImplementedError("ch17.unbroadcast: implement unbroadcast()")
