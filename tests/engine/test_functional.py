"""Functional: graph discovery (map_graph), models built from inputs and outputs, models as layers."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


# ----------------------------------------------------------------------------- graph discovery

def _branching_model(first_long=True):
    x = Input((10,))
    a = Dense(32)(x)
    b = Dense(32)(x)
    b = Dense(32)(b)
    c = layers.concatenate([b, a] if first_long else [a, b])
    return Model(x, Dense(1)(c))


def test_layer_order_is_depth_then_first_visit():
    model = _branching_model(first_long=True)
    assert [l.name for l in model.layers] == [
        "input_1", "dense_2", "dense_3", "dense_1", "concatenate_1", "dense_4"]
    keras.backend.clear_session()
    model = _branching_model(first_long=False)
    assert [l.name for l in model.layers] == [
        "input_1", "dense_2", "dense_1", "dense_3", "concatenate_1", "dense_4"]


def test_graph_disconnected_names_the_tensor_and_layer():
    x = Input((64,))
    out = Dense(10)(Dense(32)(x))
    unrelated = Input((32,))
    with pytest.raises(ValueError) as err:
        Model(unrelated, out)
    message = str(err.value)
    assert message.startswith("Graph disconnected: cannot obtain value for tensor")
    assert 'at layer "input_1"' in message and "accessed without issue: []" in message


def test_duplicate_layer_names_are_refused():
    x = Input((3,))
    y = Dense(2, name="same")(x)
    with pytest.raises(ValueError, match='The name "same" is used 2 times in the model'):
        Model(x, Dense(2, name="same")(y))


def test_cycle_is_detected():
    x = Input((2,))
    first, second = Dense(2), Dense(2)
    y = second(first(x))
    node = first._inbound_nodes[0]  # tamper: make `first` consume `second`'s output
    node.input_tensors, node.inbound_layers, node.node_indices = [y], [second], [0]
    with pytest.raises(ValueError, match="part of a cycle"):
        Model(x, y)


def test_model_inputs_must_be_input_tensors():
    x = Input((3,))
    h = Dense(2)(x)
    with pytest.raises(TypeError, match="InputLayer"):
        Model(h, Dense(1)(h))
    with pytest.raises(ValueError, match="must come from `keras.Input`"):
        Model(np.ones((1, 3)), h)
    with pytest.raises(ValueError, match="redundant"):
        Model([x, x], h)


def test_get_layer_by_name_and_index():
    model = _branching_model()
    assert model.get_layer("dense_3") is model.layers[2]
    assert model.get_layer(index=-1).name == "dense_4"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 6 layers"):
        model.get_layer(index=6)


def test_dict_inputs_and_outputs():
    a, b = Input((2,), name="a"), Input((3,), name="b")
    merged = layers.concatenate([a, b])
    model = Model({"a": a, "b": b}, {"out": Dense(1, name="out")(merged)})
    pred = model.predict({"b": np.ones((4, 3)), "a": np.zeros((4, 2))})
    assert set(pred) == {"out"} and pred["out"].shape == (4, 1)
    with pytest.raises(ValueError, match=r"no data for input\(s\) \['b'\]"):
        model.predict({"a": np.zeros((4, 2))})


# ----------------------------------------------------------------------------- models as layers

def _encoder_decoder():
    x = Input((6,), name="original")
    encoder = Model(x, Dense(2, activation="relu")(x), name="encoder")
    z = Input((2,), name="code")
    decoder = Model(z, Dense(6)(z), name="decoder")
    img = Input((6,), name="img")
    autoencoder = Model(img, decoder(encoder(img)), name="autoencoder")
    return encoder, decoder, autoencoder


def test_nested_models_share_weights_and_compute_the_composition():
    encoder, decoder, autoencoder = _encoder_decoder()
    assert autoencoder.count_params() == encoder.count_params() + decoder.count_params()
    assert autoencoder.weights[0] is encoder.weights[0]
    x = np.random.rand(5, 6).astype("float32")
    np.testing.assert_allclose(autoencoder.predict(x), decoder.predict(encoder.predict(x)), rtol=1e-6)
    assert autoencoder.get_layer("encoder") is encoder


def test_feature_extraction_from_intermediate_outputs():
    x = Input((4,))
    h = Dense(3, name="hidden")(x)
    model = Model(x, Dense(1)(h))
    features = Model(model.input, model.get_layer("hidden").output)
    data = np.random.rand(2, 4).astype("float32")
    expected = data @ model.get_layer("hidden").kernel.value + model.get_layer("hidden").bias.value
    np.testing.assert_allclose(features.predict(data), expected, rtol=1e-5)
    assert features.weights[0] is model.weights[0]


def test_ensemble_of_models_called_on_one_input():
    def make():
        i = Input((5,))
        return Model(i, Dense(1, activation="sigmoid")(i))
    members = [make() for _ in range(3)]
    x = Input((5,))
    ensemble = Model(x, layers.average([m(x) for m in members]))
    data = np.random.rand(4, 5).astype("float32")
    mean = sum(m.predict(data) for m in members) / 3
    np.testing.assert_allclose(ensemble.predict(data), mean, rtol=1e-5)
    assert ensemble.count_params() == 3 * 6


# ----------------------------------------------------------------------------- the layer-order rule on random graphs

def _reference_order(model):
    """An independent statement of the rule: sort layers by the longest path to an output
    (descending), ties by the pre-order in which a DFS from the outputs first reaches them."""
    nodes = model.graph.nodes
    def parents(node):
        return [l._inbound_nodes[i] for l, i in zip(node.inbound_layers, node.node_indices)]
    children = {n: [] for n in nodes}
    for n in nodes:
        for p in parents(n):
            children[p].append(n)
    memo = {}
    def depth(n):
        if n not in memo:
            memo[n] = 0 if not children[n] else 1 + max(depth(c) for c in children[n])
        return memo[n]
    layer_depth = {}
    for n in nodes:
        layer_depth[n.outbound_layer] = max(layer_depth.get(n.outbound_layer, 0), depth(n))
    first_visit, seen = {}, set()
    def visit(n):
        if n in seen:
            return
        seen.add(n)
        first_visit.setdefault(n.outbound_layer, len(first_visit))
        for p in parents(n):
            visit(p)
    for t in model.outputs:
        visit(t._keras_history.layer._inbound_nodes[t._keras_history.node_index])
    return sorted(layer_depth, key=lambda l: (-layer_depth[l], first_visit[l]))


@settings(deadline=None, derandomize=True, max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 10 ** 6), st.booleans()),
                min_size=1, max_size=12))
def test_layer_order_matches_the_rule_on_random_dags(steps):
    keras.backend.clear_session()
    x = Input((4,))
    tensors, shared = [x], Dense(4)
    for a, b, merge in steps:
        first = tensors[a % len(tensors)]
        if merge and len(tensors) > 1:
            second = tensors[b % len(tensors)]
            if second is first:
                second = tensors[(b + 1) % len(tensors)]
            tensors.append(layers.add([first, second]))
        elif b % 3 == 0:
            tensors.append(shared(first))  # a shared layer, called from several places
        else:
            tensors.append(Dense(4)(first))
    model = Model(x, tensors[-1])
    assert model.layers == _reference_order(model)
    position = {l: i for i, l in enumerate(model.layers)}
    calls = {}
    for node in model.graph.nodes:
        calls[node.outbound_layer] = calls.get(node.outbound_layer, 0) + 1
    for node in model.graph.nodes:
        # A layer called once comes after every layer feeding it. (A shared layer sits at its
        # deepest call, so a layer feeding one of its later calls may come after it.)
        if calls[node.outbound_layer] == 1:
            for inbound in node.inbound_layers:
                assert position[inbound] < position[node.outbound_layer]


