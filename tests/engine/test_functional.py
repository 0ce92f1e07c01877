"""The functional-API core: Input, Layer.__call__, Node, Model graph discovery, Sequential."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


# ----------------------------------------------------------------------------- Input and naming

def test_input_is_symbolic_with_history():
    x = Input(shape=(28, 28, 1), name="img")
    assert isinstance(x, KerasTensor)
    assert x.shape == (None, 28, 28, 1) and x.dtype == "float32"
    layer, node_index, tensor_index = x._keras_history
    assert layer.name == "img" and type(layer).__name__ == "InputLayer"
    assert (node_index, tensor_index) == (0, 0)
    assert Input(shape=(None,), dtype="int32").dtype == "int32"


def test_input_rejects_non_integer_shapes():
    with pytest.raises(TypeError, match=r"shape=\(10,\)"):
        Input(shape=10)
    with pytest.raises(TypeError, match="non-negative integer"):
        Input(shape=(2.5, 3))
    with pytest.raises(ValueError, match="shape"):
        Input()


def test_automatic_names_follow_keras_2_and_reset():
    x = Input((4, 4, 1))
    assert x._keras_history.layer.name == "input_1"
    assert layers.MaxPooling2D()(x)._keras_history.layer.name == "max_pooling2d_1"
    d1, d2 = Dense(1), Dense(1)
    assert (d1.name, d2.name) == ("dense_1", "dense_2")
    assert layers.Conv2DTranspose(2, 3).name == "conv2d_transpose_1"
    assert layers.TimeDistributed(Dense(1)).name == "time_distributed_1"
    assert Model(x, x).name == "model_1"
    assert Sequential().name == "sequential_1"
    keras.backend.clear_session()
    assert Dense(1).name == "dense_1" and Input((1,))._keras_history.layer.name == "input_1"


# ----------------------------------------------------------------------------- calling layers

def test_layer_builds_once_and_records_one_node_per_call():
    x1, x2 = Input((8,)), Input((8,))
    shared = Dense(3)
    y1, y2 = shared(x1), shared(x2)
    assert len(shared.weights) == 2 and shared.kernel.shape == (8, 3)
    assert len(shared._inbound_nodes) == 2
    assert y1._keras_history.node_index == 0 and y2._keras_history.node_index == 1
    assert shared.get_output_at(1) is y2 and shared.get_input_at(0) is x1
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        shared.output
    with pytest.raises(ValueError, match="only 2 inbound nodes"):
        shared.get_output_at(2)
    assert shared.output_shape == (None, 3)  # same shape on both nodes: well defined


def test_never_called_layer_has_no_output():
    with pytest.raises(AttributeError, match="never been called"):
        Dense(2).output


def test_incompatible_input_names_layer_expected_and_received():
    x = Input((10,))
    with pytest.raises(ValueError, match=r"conv2d_1.*expected ndim=4, found ndim=2.*\(None, 10\)"):
        layers.Conv2D(4, 3)(x)
    dense = Dense(2)
    dense(x)
    with pytest.raises(ValueError, match=r"dense_1.*axis -1.*value 10.*\(None, 5\)"):
        dense(Input((5,)))


def test_batch_axis_in_input_shape_gets_a_hint():
    x = Input((60000, 28, 28, 1))
    with pytest.raises(ValueError, match="batch size in `input_shape`"):
        layers.Conv2D(4, 3)(x)


def test_layer_called_on_arrays_runs_eagerly():
    dense = Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    out = dense(np.ones((3, 4), dtype="float32"))
    np.testing.assert_allclose(np.asarray(out), np.full((3, 2), 4.0))


def test_mixing_symbolic_and_arrays_is_an_error():
    with pytest.raises(ValueError, match="mix of symbolic"):
        layers.add([Input((2,)), np.ones((1, 2))])


def test_unknown_keyword_argument():
    with pytest.raises(TypeError, match="Keyword argument not understood: 'unit'"):
        Dense(2, unit=3)


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


def test_branching_summary_has_connections():
    lines = []
    _branching_model().summary(print_fn=lines.append)
    assert len(lines[0]) == 100 and lines[1].rstrip().endswith("Connected to")
    row = next(i for i, l in enumerate(lines) if l.startswith("concatenate_1"))
    assert lines[row].rstrip().endswith("dense_3[0][0]")
    assert lines[row + 1].strip() == "dense_1[0][0]"
    assert lines[-4:-1] == ["Total params: 1,825", "Trainable params: 1,825", "Non-trainable params: 0"]


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


def test_nested_model_summary_row_and_node_index():
    encoder, decoder, autoencoder = _encoder_decoder()
    lines = []
    autoencoder.summary(print_fn=lines.append)
    assert any(l.startswith("encoder (Model)") and "(None, 2)" in l for l in lines)
    # A linear outer model is sequential-like (65 columns); consumers of a nested model use node 1.
    assert len(lines[0]) == 65
    assert decoder._inbound_nodes[1].node_indices == [1]
    assert decoder._inbound_nodes[1].inbound_layers == [encoder]


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


# ----------------------------------------------------------------------------- Sequential

def test_sequential_with_input_dim_and_add():
    model = Sequential([Dense(2, input_dim=1), Dense(1)])
    model2 = Sequential()
    model2.add(Dense(2, input_dim=1))
    model2.add(Dense(1))
    for m in (model, model2):
        assert m.count_params() == 7 and m.output_shape == (None, 1)
        assert all(type(l).__name__ == "Dense" for l in m.layers)
    assert model.inputs[0]._keras_history.layer.name == "dense_1_input"


def test_sequential_summary_omits_input_row():
    model = Sequential([Dense(32, activation="relu", input_shape=(64,)), Dense(10)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[3].startswith("dense_1 (Dense)") and "(None, 32)" in lines[3]
    assert len(lines[0]) == 65 and "Total params: 2,410" in lines


def test_sequential_deferred_build_and_pop():
    model = Sequential([Dense(4), Dense(2)])
    assert not model.built
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    out = model.predict(np.ones((3, 5), dtype="float32"))
    assert out.shape == (3, 2) and model.built and model.input_shape == (None, 5)
    model.pop()
    assert model.output_shape == (None, 4) and len(model.layers) == 1


def test_sequential_as_a_layer():
    inner = Sequential([Dense(3, input_shape=(4,)), Dense(2)])
    x = Input((4,))
    outer = Model(x, Dense(1)(inner(x)))
    assert outer.count_params() == inner.count_params() + 3
    data = np.random.rand(2, 4).astype("float32")
    np.testing.assert_allclose(outer.predict(data),
                               inner.predict(data) @ outer.layers[-1].kernel.value
                               + outer.layers[-1].bias.value, rtol=1e-5)


# ----------------------------------------------------------------------------- weights

def test_weights_order_shapes_and_set_weights_errors():
    x = Input((3,))
    model = Model(x, layers.BatchNormalization()(Dense(4)(x)))
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4,), (4,), (4,), (4,)]
    assert [w.name for w in model.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert model.count_params() == 16 + 16
    with pytest.raises(ValueError, match=r"dense_1 weight 'kernel' has shape \(3, 4\).*\(4, 3\)"):
        model.layers[1].set_weights([np.zeros((4, 3)), np.zeros(4)])
    with pytest.raises(ValueError, match="expects 2 weight arrays"):
        model.layers[1].set_weights([np.zeros((3, 4))])
    # on the model, the message names the layer the misshapen weight belongs to
    bad = model.get_weights()
    bad[2] = np.zeros(5)
    with pytest.raises(ValueError, match=r"Layer model_1 weight 'gamma' of layer 'batch_normalization_1' "
                                         r"\(weights\[2\]\) has shape \(4,\), but the array provided has shape \(5,\)"):
        model.set_weights(bad)


def test_frozen_layer_moves_weights_to_non_trainable():
    x = Input((3,))
    dense = Dense(2)
    model = Model(x, dense(x))
    dense.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 2


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


def test_custom_layer_calling_other_layers_in_a_functional_model():
    """Seed 002's CustomRNN: a layer whose call() loops over time and calls Dense layers."""
    from minikeras import ops

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = 4
            self.projection_1 = Dense(self.units, activation="tanh")
            self.projection_2 = Dense(self.units, activation="tanh")
            self.classifier = Dense(1, activation="sigmoid")

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                y = self.projection_1(inputs[:, t, :]) + self.projection_2(state)
                state = y
                outputs.append(y)
            return self.classifier(ops.stack(outputs, axis=1))

    x = Input(batch_shape=(2, 5, 3))
    rnn = CustomRNN()
    model = Model(x, rnn(x))
    assert model.output_shape == (2, 5, 1)
    assert model.count_params() == (3 * 4 + 4) + (4 * 4 + 4) + (4 + 1)
    assert all(not l._inbound_nodes for l in (rnn.projection_1, rnn.classifier))
    assert model.predict(np.random.rand(2, 5, 3)).shape == (2, 5, 1)
