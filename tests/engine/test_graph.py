"""model.graph: the public graph of a Functional, and the one walk over it (graph.run)."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.graph import Graph
from minikeras.engine.model import Functional
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def _two_branch_model():
    x = Input((4,), name="x")
    a = Dense(3, name="a")(x)
    b = Dense(3, name="b")(Dense(5, name="pre_b")(x))
    return Model(x, layers.add([a, b], name="sum"), name="two_branch")


def test_model_with_inputs_and_outputs_is_a_functional_and_a_subclass_is_a_plain_model():
    model = _two_branch_model()
    assert type(model) is Functional and isinstance(model, Model)
    assert model.name == "two_branch" and isinstance(model.graph, Graph)

    class Plain(keras.Model):
        def call(self, inputs):
            return inputs

    plain = Plain()
    assert type(plain) is Plain and plain.graph is None
    x = Input((2,))
    assert keras.Model(x, Dense(1)(x)).name.startswith("model_")   # Keras 2's name, not functional_


def test_a_subclass_built_from_inputs_and_outputs_is_a_graph_with_its_own_methods():
    class Built(keras.Model):
        def __init__(self):
            x = Input((2,))
            super().__init__(x, Dense(1)(x))

        def twice(self):
            return 2

    class Given(keras.Model):
        def twice(self):
            return 2

    x = Input((3,))
    for model in (Built(), Given(x, Dense(1)(x))):
        assert isinstance(model, Functional) and model.graph is not None and model.twice() == 2
        assert model.predict(np.zeros((2, model.inputs[0].shape[1]), "float32"), verbose=0).shape == (2, 1)
    assert type(Built()) is Built


def test_graph_lists_nodes_by_depth_layers_inputs_and_outputs():
    model = _two_branch_model()
    graph = model.graph
    assert graph.inputs == model.inputs and graph.outputs == model.outputs
    assert [l.name for l in graph.layers] == ["x", "pre_b", "a", "b", "sum"] == [l.name for l in model.layers]
    names_by_depth = {d: sorted(n.outbound_layer.name for n in nodes) for d, nodes in graph.nodes_by_depth.items()}
    assert names_by_depth == {0: ["sum"], 1: ["a", "b"], 2: ["pre_b"], 3: ["x"]}
    assert set(graph.nodes) == {n for nodes in graph.nodes_by_depth.values() for n in nodes}
    assert graph.input_names == ["x"] and graph.output_names == ["sum"]
    # execution order: every node after the nodes it reads from, input nodes left out
    order = graph.execution_order
    assert all(not n.is_input for n in order)
    for i, node in enumerate(order):
        assert all(parent.is_input or order.index(parent) < i for parent in node.parent_nodes())


def test_graph_run_walks_each_call_once_with_any_kind_of_value():
    model = _two_branch_model()
    visited = []

    def count(node, values):
        visited.append(node.outbound_layer.name)
        return [sum(values) + 1] * len(node.output_tensors)

    # a value can be anything: here, the number of calls on the longest path
    assert model.graph.run([0], count) == [4]
    assert sorted(visited) == ["a", "b", "pre_b", "sum"]

    def shapes(node, values):
        return [t.shape for t in node.output_tensors]
    assert model.graph.run([(None, 4)], shapes) == [(None, 3)]


def test_graph_run_reads_each_value_from_the_call_that_made_it():
    """The walk's plan (one slot per tensor) keeps a shared layer's two calls, a layer with
    two outputs, a model input that is also an output and repeated inputs apart."""
    x, z = Input((2,), name="x"), Input((2,), name="z")
    shared = Dense(2, name="shared")
    first, second = shared(x), shared(z)
    left, right = layers.Lambda(lambda t: [t * 2, t * 3], name="split")(first)
    total = layers.add([left, right, second, second], name="total")
    model = Model([x, z], [total, x, right], name="plan")

    def trace(node, values):   # a value is the expression that computes it
        name = node.outbound_layer.name
        args = ", ".join(values)
        return [f"{name}:{i}({args})" for i in range(len(node.output_tensors))]

    assert model.graph.run(["x", "z"], trace) == [
        "total:0(split:0(shared:0(x)), split:1(shared:0(x)), shared:0(z), shared:0(z))", "x",
        "split:1(shared:0(x))"]
    with pytest.raises(ValueError, match="2 input"):
        model.graph.run(["x"], trace)


def test_graph_run_on_arrays_is_the_model_output():
    model = _two_branch_model()
    data = np.random.rand(2, 4).astype("float32")

    def call(node, values):
        x = values[0] if len(values) == 1 else values
        return [np.asarray(node.outbound_layer(x).value)]

    np.testing.assert_allclose(model.graph.run([data], call)[0], model.predict(data, verbose=0), rtol=1e-6)


def test_sequential_has_a_graph_once_it_knows_its_input():
    model = Sequential([Dense(2), Dense(1)])
    assert model.graph is None and not model.built
    model.build((None, 3))
    assert model.graph is not None and [l.name for l in model.graph.layers][1:] == [l.name for l in model.layers]
    model.pop()
    model.pop()
    assert model.graph is None


def test_model_inputs_are_checked_in_one_place_with_one_message():
    """call() on arrays, predict() and a call on new symbolic tensors: engine/input_checks.py."""
    model = _two_branch_model()
    message = r"Input 'x' of model 'two_branch' expects arrays of shape \(None, 4\).*received an array of shape"
    with pytest.raises(ValueError, match=message + r" \(2, 5\)"):
        model(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match=message + r" \(2, 5\)"):
        model.predict(np.zeros((2, 5), "float32"), verbose=0)
    with pytest.raises(ValueError, match=message + r" \(None, 5\)"):
        model(Input((5,)))
    with pytest.raises(ValueError, match=r"expects 1 input\(s\) \(\['x'\]\), but it received 2"):
        model([np.zeros((2, 4), "float32")] * 2)
    with pytest.raises(ValueError, match=r"unknown input name\(s\) \['y'\]"):
        model({"x": np.zeros((2, 4), "float32"), "y": np.zeros((2, 4), "float32")})
