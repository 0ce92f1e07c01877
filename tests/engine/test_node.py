"""Node: one call of a layer, and the history it stamps on the tensors it makes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import minikeras as keras
from minikeras import layers
from minikeras.engine.tensor import KerasTensor
from minikeras.layers import Dense, Input
from minikeras.models import Model, Sequential


def test_input_is_symbolic_with_history():
    x = Input(shape=(28, 28, 1), name="img")
    assert isinstance(x, KerasTensor)
    assert x.shape == (None, 28, 28, 1) and x.dtype == "float32"
    layer, node_index, tensor_index = x._keras_history
    assert layer.name == "img" and type(layer).__name__ == "InputLayer"
    assert (node_index, tensor_index) == (0, 0)
    assert Input(shape=(None,), dtype="int32").dtype == "int32"


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


# ------------------------------------------------------------------ a call's arguments
class _Blend(layers.Layer):
    """``blend(a, b, weights=w, scale=2.0)``: tensors positional and by keyword, plus an option."""

    def call(self, a, b, weights=None, scale=1.0):
        out = a * scale + b
        return out if weights is None else out * weights["w"]


def test_a_node_records_every_argument_and_its_tensors_in_keras_order():
    a, b, w = Input((3,), name="a"), Input((3,), name="b"), Input((3,), name="w")
    y = _Blend(name="blend")(a, b, weights={"w": w}, scale=2.0)
    node = y._keras_history.layer._inbound_nodes[0]
    assert node.call_args == (a, b) and node.call_kwargs == {"weights": {"w": w}, "scale": 2.0}
    assert node.input_tensors == [a, b, w]
    assert [l.name for l in node.inbound_layers] == ["a", "b", "w"]
    model = Model([a, b, w], y)
    x = [np.full((2, 3), v, "float32") for v in (1.0, 10.0, 3.0)]
    np.testing.assert_allclose(model.predict(x, verbose=0), (2 * 1 + 10) * 3)
    lines = []
    model.summary(print_fn=lines.append)
    row = next(i for i, line in enumerate(lines) if line.startswith("blend"))
    assert [line[67:].strip() for line in lines[row:row + 3]] == ["a[0][0]", "b[0][0]", "w[0][0]"]


def test_keyword_tensors_are_ordered_by_name_as_keras_flattens_them():
    q, v, k = Input((4, 6), name="q"), Input((5, 6), name="v"), Input((5, 6), name="k")
    y = layers.MultiHeadAttention(2, 3, name="mha")(query=q, value=v, key=k)
    node = y._keras_history.layer._inbound_nodes[0]
    assert node.call_args == () and node.first_keyword == "query"
    assert node.input_tensors == [k, q, v]   # key, query, value
    assert node.first_argument is q


def test_a_call_with_tensor_keywords_survives_config_and_clone():
    a, b, w = Input((3,), name="a"), Input((3,), name="b"), Input((3,), name="w")
    model = Model([a, b, w], _Blend(name="blend")(a, b, weights={"w": w}, scale=2.0))
    config = model.get_config()
    call = next(l for l in config["layers"] if l["name"] == "blend")["inbound_nodes"][0]
    assert [t["config"]["keras_history"] for t in call["args"]] == [["a", 0, 0], ["b", 0, 0]]
    assert call["kwargs"]["scale"] == 2.0
    assert call["kwargs"]["weights"]["w"]["config"]["keras_history"] == ["w", 0, 0]
    x = [np.random.default_rng(i).random((2, 3)).astype("float32") for i in range(3)]
    rebuilt = Model.from_config(config, custom_objects={"_Blend": _Blend})
    with keras.saving.custom_object_scope({"_Blend": _Blend}):
        clone = keras.models.clone_model(model)
    for other in (rebuilt, clone):
        np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_the_keras2_h5_format_refuses_a_call_it_cannot_record(tmp_path):
    a, b, w = Input((3,), name="a"), Input((3,), name="b"), Input((3,), name="w")
    model = Model([a, b, w], _Blend(name="blend")(a, b, weights={"w": w}))
    with pytest.raises(ValueError, match=r"blend \(_Blend\).*`b`.*\.keras format"):
        model.save(tmp_path / "m.h5")


def test_an_rnn_initial_state_is_a_keyword_tensor_in_the_config(tmp_path):
    x, h = Input((4, 3), name="x"), Input((5,), name="h")
    model = Model([x, h], layers.GRU(5, name="gru")(x, initial_state=h))
    call = next(l for l in model.get_config()["layers"] if l["name"] == "gru")["inbound_nodes"][0]
    assert len(call["args"]) == 1 and call["kwargs"]["initial_state"]["config"]["keras_history"] == ["h", 0, 0]
    data = [np.random.default_rng(0).random((2, 4, 3)).astype("float32"),
            np.random.default_rng(1).random((2, 5)).astype("float32")]
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / f"m{suffix}")
        loaded = keras.models.load_model(tmp_path / f"m{suffix}")
        np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_an_older_minikeras_config_with_attention_as_one_dict_still_loads():
    """minikeras once wrote ``mha(q, v, key=k)`` as one dict argument; such configs still load."""
    q, v, k = Input((4, 6), name="q"), Input((5, 6), name="v"), Input((5, 2), name="k")
    model = Model([q, v, k], layers.MultiHeadAttention(2, 3, name="mha")(q, v, key=k, use_causal_mask=True))
    config = model.get_config()
    entry = next(l for l in config["layers"] if l["name"] == "mha")
    call = entry["inbound_nodes"][0]
    old = {"args": [{"query": call["args"][0], "value": call["args"][1], "key": call["kwargs"]["key"]}],
           "kwargs": {"return_attention_scores": False, "use_causal_mask": True}}
    entry["inbound_nodes"] = [old]
    rebuilt = Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    rng = np.random.default_rng(0)
    x = [rng.random((2, 4, 6)).astype("float32"), rng.random((2, 5, 6)).astype("float32"),
         rng.random((2, 5, 2)).astype("float32")]
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_the_first_argument_given_by_name_is_recorded_by_name():
    x = Input((3,), name="x")
    model = Model(x, Dense(2, name="d")(inputs=x))
    (call,) = next(l for l in model.get_config()["layers"] if l["name"] == "d")["inbound_nodes"]
    assert call["args"] == [] and call["kwargs"]["inputs"]["config"]["keras_history"] == ["x", 0, 0]
    rebuilt = Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    data = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(rebuilt.predict(data, verbose=0), model.predict(data, verbose=0))
    with pytest.raises(TypeError, match=r"called without inputs.*`inputs=`"):
        Dense(2)(units=3)
