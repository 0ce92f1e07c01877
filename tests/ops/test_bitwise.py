"""minikeras.ops.bitwise: integer bit operations and integer arithmetic (gcd, lcm)."""
import inspect

import numpy as np
import pytest

from minikeras import ops
from minikeras.engine.tensor import KerasTensor

A = np.array([6, 3, 12], "int32")
B = np.array([5, 1, 8], "int32")


@pytest.mark.parametrize("name,reference", [
    ("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or), ("bitwise_xor", np.bitwise_xor),
    ("left_shift", np.left_shift), ("right_shift", np.right_shift), ("bitwise_left_shift", np.left_shift),
    ("bitwise_right_shift", np.right_shift), ("gcd", np.gcd), ("lcm", np.lcm),
])
def test_binary_integer_ops(name, reference):
    out = getattr(ops, name)(A, B)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), reference(A, B))


def test_invert_and_errors():
    np.testing.assert_array_equal(ops.bitwise_invert(A).numpy(), ~A)
    np.testing.assert_array_equal(ops.bitwise_not(np.array([True, False])).numpy(), [False, True])
    with pytest.raises(TypeError, match="integer"):
        ops.bitwise_and(np.ones(2, "float32"), 1)
    assert ops.gcd(KerasTensor((None, 3), "int32"), A).shape == (None, 3)


def test_factory_made_ops_take_kerass_argument_names():
    # ops made by a factory (the bitwise ops, the numpy predicates) still have Keras's
    # argument names, so keyword calls work and a wrong call names the op
    assert list(inspect.signature(ops.gcd).parameters) == ["x1", "x2"]
    assert list(inspect.signature(ops.bitwise_and).parameters) == ["x", "y"]
    assert list(inspect.signature(ops.isnan).parameters) == ["x"]
    assert list(inspect.signature(ops.isclose).parameters)[:2] == ["x1", "x2"]
    assert int(ops.gcd(x1=np.array([12]), x2=np.array([8])).numpy()[0]) == 4
    assert int(ops.bitwise_and(np.array([6]), y=np.array([3])).numpy()[0]) == 2
    assert bool(ops.isnan(x=np.array([np.nan])).numpy()[0])
    with pytest.raises(TypeError, match=r"ops\.gcd\(x1, x2\): missing a required argument: 'x2'"):
        ops.gcd(np.array([1]))
