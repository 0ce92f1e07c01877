"""Functional models with ops between their layers (``x + y``, ``ops.mean``): the graph
(engine/graph.py) holds them, the model runs, trains, nests, summarises and configures them."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.ops.operation import Operation


def residual_model():
    inp = keras.Input((4,), name="inp")
    x = keras.layers.Dense(4, name="d1")(inp)
    y = keras.layers.LayerNormalization(name="norm")(inp + x)
    z = ops.expand_dims(y * 0.5, -1)
    m = ops.mean(ops.concatenate([z, -z * 2.0], axis=-1), axis=-1)
    return keras.Model(inp, keras.layers.Dense(2, name="d2")(m[:, 1:]))


def numpy_forward(model, x):
    d1, norm, d2 = (model.get_layer(n) for n in ("d1", "norm", "d2"))
    h = x + x @ d1.kernel.numpy() + d1.bias.numpy()
    h = (h - h.mean(-1, keepdims=True)) / np.sqrt(h.var(-1, keepdims=True) + norm.epsilon)
    h = h * norm.gamma.numpy() + norm.beta.numpy()
    z = (h * 0.5)[..., None]
    m = np.concatenate([z, -z * 2.0], axis=-1).mean(-1)
    return m[:, 1:] @ d2.kernel.numpy() + d2.bias.numpy()


def data(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 4)).astype("float32"), rng.standard_normal((n, 2)).astype("float32")


def test_the_examples_of_the_issue_build_and_run():
    inp = keras.Input((4,))
    x = keras.layers.Dense(4)(inp)
    a = keras.Model(inp, keras.layers.Dense(2)(inp + x))
    b = keras.Model(inp, ops.mean(inp + x, axis=-1))
    X, _ = data()
    assert a.predict(X, verbose=0).shape == (5, 2)
    dense = a.layers[1]
    expected = (X + X @ dense.kernel.numpy() + dense.bias.numpy()).mean(-1)
    np.testing.assert_allclose(b.predict(X, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_predict_equals_the_same_computation_in_numpy():
    model = residual_model()
    X, _ = data()
    np.testing.assert_allclose(model.predict(X, verbose=0), numpy_forward(model, X), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model(X).numpy(), numpy_forward(model, X), rtol=1e-4, atol=1e-5)


def test_layers_lists_layers_and_operations_lists_every_vertex():
    model = residual_model()
    assert [l.name for l in model.layers] == ["inp", "d1", "norm", "d2"]
    kinds = [op.op_name for op in model.operations if isinstance(op, Operation)]
    assert kinds == ["add", "multiply", "expand_dims", "negative", "multiply", "concatenate", "mean", "get_item"]
    assert [op.name for op in model.operations if not isinstance(op, Operation)] == ["inp", "d1", "norm", "d2"]
    assert model.graph.layers == model.layers
    assert len(model.trainable_weights) == 6


def test_fit_sends_gradients_through_the_ops():
    model = residual_model()
    X, Y = data(16)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    first = model.get_layer("d1").kernel.numpy().copy()
    history = model.fit(X, Y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # d1 is reached only through the add, the norm, the mean and the slice
    assert not np.allclose(model.get_layer("d1").kernel.numpy(), first)
    assert np.isfinite(model.evaluate(X, Y, verbose=0))


def test_a_model_with_ops_nests_inside_another_with_ops_of_its_own():
    inner = residual_model()
    inp = keras.Input((4,))
    out = inner(inp) + 1.0
    outer = keras.Model(inp, ops.sum(out, axis=-1))
    X, _ = data()
    np.testing.assert_allclose(outer.predict(X, verbose=0), (numpy_forward(inner, X) + 1.0).sum(-1),
                               rtol=1e-4, atol=1e-5)
    # the inner ops were run on the new tensors without adding nodes to the inner graph
    assert all(len(op._inbound_nodes) == 1 for op in inner.operations if isinstance(op, Operation))


def test_config_round_trip_rebuilds_the_ops():
    model = residual_model()
    config = model.get_config()
    entries = {e["name"]: e for e in config["layers"]}
    mean = next(e for e in config["layers"] if e["class_name"] == "Mean")
    assert mean["module"] == "keras.src.ops.numpy" and mean["registered_name"] == "Mean"
    assert mean["config"] == {"name": mean["name"], "axis": -1, "keepdims": False}   # defaults too, as Keras
    item = next(e for e in config["layers"] if e["class_name"] == "GetItem")
    key = item["inbound_nodes"][0]["args"][1]
    assert key == [{"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}},
                   {"class_name": "__slice__", "config": {"start": 1, "stop": None, "step": None}}]
    multiply = next(e for e in config["layers"] if e["class_name"] == "Multiply")
    assert multiply["inbound_nodes"][0]["args"][1] == 0.5
    assert list(entries) == [op.name for op in model.operations]
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    X, _ = data()
    np.testing.assert_allclose(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert [op.name for op in rebuilt.operations] == [op.name for op in model.operations]


def test_a_config_naming_an_op_minikeras_lacks_is_an_error_naming_it():
    config = residual_model().get_config()
    entry = next(e for e in config["layers"] if e["class_name"] == "Mean")
    entry["class_name"] = "FancyMean"
    with pytest.raises(ValueError, match="FancyMean.*ops.fancy_mean"):
        keras.Model.from_config(config)
    entry["class_name"], entry["config"]["units"] = "Mean", 3
    with pytest.raises(ValueError, match=r"op '.*mean.*' \(Mean\).*units"):
        keras.Model.from_config(config)


def test_clone_model_calls_the_ops_again():
    model = residual_model()
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    X, _ = data()
    np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert all(a is not b for a, b in zip(clone.operations, model.operations))


def test_a_tensor_without_history_reaching_a_model_is_a_clear_error():
    inp = keras.Input((4,))
    bare = keras.KerasTensor((None, 4))
    with pytest.raises(ValueError, match="no history"):
        keras.Model(inp, keras.layers.Dense(2)(inp + bare))
    with pytest.raises(ValueError, match="no history"):
        keras.Model(inp, bare)


def test_summary_rows_for_ops():
    inp = keras.Input((4,), name="inp")
    x = keras.layers.Dense(4, name="d1")(inp)
    model = keras.Model(inp, ops.mean(inp + x, axis=-1))
    lines = []
    model.summary(print_fn=lines.append)
    add, mean = [op.name for op in model.operations if isinstance(op, Operation)]
    text = "\n".join(lines)
    assert f"{add} (Add)" in text and f"{mean} (Mean)" in text
    row = next(line for line in lines if line.startswith(f"{mean} (Mean)"))
    assert row.split()[2:] == ["(None,)", "0", f"{add}[0][0]"]
    assert "Total params: 20" in text
