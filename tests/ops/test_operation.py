"""Ops called on graph tensors are recorded as Operation nodes (minikeras/ops/operation.py)."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.ops.operation import Operation, _invoke, split_call, class_to_snake_name, snake_to_class_name


def _graph():
    inp = keras.Input((4,), name="inp")
    return inp, keras.layers.Dense(4, name="d")(inp)


def _op(tensor):
    return tensor._keras_history.layer


def test_an_operator_on_graph_tensors_records_an_add_node_with_both_inputs():
    inp, x = _graph()
    y = inp + x
    op = _op(y)
    assert isinstance(op, Operation) and op.op_name == "add" and op.class_name == "Add"
    assert y.name == op.name and op.name.startswith("add_")
    node = op._inbound_nodes[0]
    assert node.input_tensors == [inp, x]
    assert node.inbound_layers == [inp._keras_history.layer, x._keras_history.layer]
    assert op.options == {}
    assert node in x._keras_history.layer._outbound_nodes


def test_python_numbers_stay_in_the_call_and_options_go_to_the_operation():
    inp, x = _graph()
    half = x * 0.5
    node = _op(half)._inbound_nodes[0]
    assert node.call_args == (x, 0.5) and node.input_tensors == [x]
    m = ops.mean(x, axis=-1, keepdims=True)
    assert _op(m).options == {"axis": -1, "keepdims": True}
    assert _op(m)._inbound_nodes[0].call_args == (x,)
    assert m.shape == (None, 1)
    c = ops.concatenate([x, m], axis=-1)
    assert _op(c)._inbound_nodes[0].call_args == ([x, m],) and _op(c).options == {"axis": -1}
    assert _op(c)._inbound_nodes[0].input_tensors == [x, m]


@pytest.mark.parametrize("make, name", [
    (lambda x: x - 1.0, "subtract"), (lambda x: 2.0 * x, "multiply"), (lambda x: x / 2.0, "true_divide"),
    (lambda x: x @ np.ones((4, 2), "float32"), "matmul"), (lambda x: x ** 2, "power"), (lambda x: -x, "negative"),
    (lambda x: x > 0.0, "greater"), (lambda x: x <= 0.0, "less_equal"), (lambda x: x[:, 1:3], "get_item"),
    (lambda x: ops.abs(x), "absolute"), (lambda x: ops.expand_dims(x, -1), "expand_dims"),
    (lambda x: ops.divide(x, 3.0), "divide"),
])
def test_operators_and_ops_are_named_as_keras_names_their_classes(make, name):
    _, x = _graph()
    assert _op(make(x)).op_name == name


def test_several_outputs_are_one_node_with_one_tensor_each():
    _, x = _graph()
    parts = ops.split(x, 2, axis=-1)
    op = _op(parts[0])
    assert [t._keras_history.tensor_index for t in parts] == [0, 1]
    assert op._inbound_nodes[0].output_tensors == list(parts)
    assert [t.name for t in parts] == [f"{op.name}:0", f"{op.name}:1"]


def test_ops_inside_a_layer_call_record_nothing():
    class Residual(keras.layers.Layer):
        def call(self, x):
            return ops.mean(x + x, axis=-1)
    inp, x = _graph()
    before = list(x._keras_history.layer._outbound_nodes)
    out = Residual(name="res")(x)
    assert type(out._keras_history.layer).__name__ == "Residual"
    # the layer's own node only: the + and the mean inside call() are the layer's business
    assert x._keras_history.layer._outbound_nodes == before + [out._keras_history.layer._inbound_nodes[0]]


def test_a_tensor_without_history_makes_no_node():
    bare = keras.KerasTensor((None, 4))
    inp, x = _graph()
    y = x + bare
    assert y._keras_history is None and y.shape == (None, 4)
    assert keras.layers.Dense(2)(y)._keras_history is None


def test_eager_calls_are_unchanged_and_differentiable():
    a = keras.Variable(np.array([1.0, 2.0], "float32"))
    with ops.GradientTape() as tape:
        loss = ops.sum(ops.mean(a * a, axis=0, keepdims=True))
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(), [1.0, 2.0])
    assert ops.mean.__name__ == "mean" and ops.mean.__wrapped__ is not ops.mean


def test_split_call_and_invoke_are_inverse():
    _, x = _graph()
    args, kwargs, options = split_call(ops.einsum.__wrapped__, ("ij,jk->ik", x, x), {})
    assert args == [x, x] and kwargs == {} and options == {"subscripts": "ij,jk->ik"}
    a = np.arange(6, dtype="float32").reshape(2, 3)
    out = _invoke(ops.einsum.__wrapped__, [a, a.T], {}, {"subscripts": "ij,jk->ik"})
    np.testing.assert_allclose(out.numpy(), a @ a.T)
    out = _invoke(ops.mean.__wrapped__, [a], {}, {"keepdims": True})   # axis left at its default
    assert out.shape == (1, 1)
    with pytest.raises(TypeError, match=r"ops.mean.*options \['units'\]"):
        _invoke(ops.mean.__wrapped__, [a], {}, {"units": 3})


def test_class_names_convert_both_ways():
    assert snake_to_class_name("expand_dims") == "ExpandDims"
    assert class_to_snake_name("ExpandDims") == "expand_dims"
    assert class_to_snake_name("TrueDivide") == "true_divide" and class_to_snake_name("Log1p") == "log1p"


def test_an_operation_called_again_records_a_node_of_itself():
    inp, x = _graph()
    op = Operation(ops.add.__wrapped__, op_name="add", name="my_add")
    y = op(inp, x)
    assert y._keras_history.layer is op and y.name == "my_add"
    # on arrays it only computes
    np.testing.assert_allclose(op(np.ones(2, "float32"), 1.0).numpy(), [2.0, 2.0])


def test_a_mask_worked_out_while_the_graph_is_built_records_no_op():
    ids = keras.Input((5,), dtype="int32")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(ids)
    assert embedded._keras_mask is not None and embedded._keras_mask._keras_history is None
    assert ids._keras_history.layer._outbound_nodes == [embedded._keras_history.layer._inbound_nodes[0]]


@pytest.mark.parametrize("make, name, expected", [
    (lambda x: 2.0 ** x, "power", lambda v: 2.0 ** v), (lambda x: x % 3.0, "mod", lambda v: v % 3.0),
    (lambda x: x // 2.0, "floor_divide", lambda v: v // 2.0), (lambda x: abs(x), "absolute", np.abs),
    (lambda x: ~(x > 0.0), "logical_not", lambda v: ~(v > 0)),
    (lambda x: (x > 0.0) & (x < 1.0), "logical_and", lambda v: (v > 0) & (v < 1)),
    (lambda x: (x > 0.0) | (x < -1.0), "logical_or", lambda v: (v > 0) | (v < -1)),
    (lambda x: (x > 0.0) ^ (x < 1.0), "logical_xor", lambda v: (v > 0) ^ (v < 1)),
])
def test_more_operators_record_keras_ops_and_run_eagerly_too(make, name, expected):
    inp = keras.Input((4,))
    out = make(inp)
    assert _op(out).op_name == name
    values = np.array([[-2.5, -0.5, 0.5, 3.0]], "float32")
    np.testing.assert_array_equal(keras.Model(inp, out).predict(values, verbose=0), expected(values))
    np.testing.assert_array_equal(np.asarray(make(ops.convert_to_tensor(values))), expected(values))
