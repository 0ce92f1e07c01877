"""Calls with several tensor arguments against real Keras 3: ``mha(query, value)``,
``mha(query=q, value=v, key=k, attention_mask=m)`` and an endpoint layer called as
``Endpoint()(targets, logits)``. Their ``.keras`` files cross both ways with equal outputs,
the recorded calls (``inbound_nodes``) are Keras's, and the endpoint model trains
(compiled without a loss) to the same losses.

Run with the parity environment (Keras 3 on the torch backend):
    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_call_arguments_parity.py
"""
import json
import os
import zipfile

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def _numpy(x):
    return x if isinstance(x, np.ndarray) else keras.ops.convert_to_numpy(x)


def self_and_cross_attention(lib):
    """Self-attention ``mha(x, x)`` on masked embeddings, then cross-attention with every
    tensor given by keyword: query, value, a separate key and an attention mask."""
    q_ids, v_ids = lib.Input((5,), dtype="int32", name="q_ids"), lib.Input((6,), dtype="int32", name="v_ids")
    key = lib.Input((6, 3), name="key_in")
    att_mask = lib.Input((5, 6), dtype="bool", name="att_mask")
    q = lib.layers.Embedding(10, 4, mask_zero=True, name="q_embed")(q_ids)
    v = lib.layers.Embedding(10, 4, name="v_embed")(v_ids)
    x = lib.layers.MultiHeadAttention(2, 3, name="self_mha")(q, q)
    y = lib.layers.MultiHeadAttention(2, 2, name="cross_mha")(query=x, value=v, key=key,
                                                              attention_mask=att_mask)
    return lib.Model([q_ids, v_ids, key, att_mask], lib.layers.Dense(2, name="head")(y))


def attention_inputs(n=3):
    rng = np.random.default_rng(0)
    q_ids = rng.integers(1, 10, (n, 5)).astype("int32")
    q_ids[0, 3:] = 0  # padding: the query mask reaches self-attention as query_mask/value_mask
    mask = rng.random((n, 5, 6)) > 0.3
    mask[:, :, 0] = True
    return [q_ids, rng.integers(0, 10, (n, 6)).astype("int32"), rng.standard_normal((n, 6, 3)).astype("float32"),
            mask]


def _assert_close_where_not_padded(a, b, x):
    """Equal outputs at the query positions that are not padding. (At a padded query
    position every key is masked out: Keras's fused attention path, taken without dropout
    and scores, averages the values there, its explicit path gives zeros, as minikeras does.
    Those rows carry the mask downstream and mean nothing.)"""
    kept = x[0] != 0
    np.testing.assert_allclose(_numpy(a)[kept], _numpy(b)[kept], rtol=RTOL, atol=ATOL)


def _randomize(model, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(tuple(w.shape)).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    return weights


def _calls(path):
    """``{layer name: inbound_nodes}`` from a .keras file's config."""
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    return {layer["config"]["name"]: layer["inbound_nodes"] for layer in config["config"]["layers"]}


def test_a_minikeras_attention_file_loads_in_keras_with_equal_outputs(tmp_path):
    model = self_and_cross_attention(minikeras)
    _randomize(model, seed=1)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = attention_inputs()
    _assert_close_where_not_padded(loaded.predict(x, verbose=0), model.predict(x, verbose=0), x)


def test_a_keras_attention_file_loads_in_minikeras_with_equal_outputs(tmp_path):
    model = self_and_cross_attention(keras)
    _randomize(model, seed=2)
    model.save(tmp_path / "k.keras")
    loaded = minikeras.models.load_model(tmp_path / "k.keras")
    x = attention_inputs()
    _assert_close_where_not_padded(loaded.predict(x, verbose=0), model.predict(x, verbose=0), x)
    # and minikeras's own reading agrees with the model it saves again
    loaded.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    _assert_close_where_not_padded(again.predict(x, verbose=0), model.predict(x, verbose=0), x)


def test_recorded_calls_and_build_configs_are_keras_s(tmp_path):
    self_and_cross_attention(keras).save(tmp_path / "k.keras")
    self_and_cross_attention(minikeras).save(tmp_path / "m.keras")
    k_calls, m_calls = _calls(tmp_path / "k.keras"), _calls(tmp_path / "m.keras")
    assert m_calls == k_calls
    with zipfile.ZipFile(tmp_path / "k.keras") as archive:
        k_layers = json.loads(archive.read("config.json"))["config"]["layers"]
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        m_layers = json.loads(archive.read("config.json"))["config"]["layers"]
    for k_layer, m_layer in zip(k_layers, m_layers):
        if k_layer["class_name"] == "MultiHeadAttention":
            assert m_layer["build_config"] == k_layer["build_config"]


def test_the_summary_connects_every_tensor_argument_in_keras_s_order():
    """Keras 3 lists a call's tensors as it flattens (args, kwargs): positional arguments,
    then keywords by sorted name (attention_mask, key, query, value)."""
    lines = []
    model = self_and_cross_attention(minikeras)
    model.summary(print_fn=lines.append)
    k_model = self_and_cross_attention(keras)
    k_node = k_model.get_layer("cross_mha")._inbound_nodes[0]
    expected = [t._keras_history.operation.name for t in k_node.input_tensors]
    assert expected == ["att_mask", "key_in", "self_mha", "v_embed"]
    m_node = model.get_layer("cross_mha")._inbound_nodes[0]
    assert [t._keras_history.layer.name for t in m_node.input_tensors] == expected
    start = next(i for i, line in enumerate(lines) if line.startswith("cross_mha"))
    assert [line[67:].split("[")[0] for line in lines[start:start + 4]] == expected


class Endpoint:
    """The same endpoint layer for either library: adds the loss of (targets, logits)."""

    @staticmethod
    def make(lib):
        class LogisticEndpoint(lib.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.loss_fn = lib.losses.BinaryCrossentropy(from_logits=True)

            def call(self, targets, logits):
                self.add_loss(self.loss_fn(targets, logits))
                return lib.ops.sigmoid(logits)
        return LogisticEndpoint


def endpoint_model(lib):
    inputs, targets = lib.Input((3,), name="inputs"), lib.Input((4,), name="targets")
    logits = lib.layers.Dense(4, name="logits")(inputs)
    outputs = Endpoint.make(lib)(name="endpoint")(targets, logits)
    return lib.Model([inputs, targets], outputs)


def test_an_endpoint_layer_called_with_two_tensors_trains_as_in_keras():
    mk, kr = endpoint_model(minikeras), endpoint_model(keras)
    weights = _randomize(mk, seed=3)
    kr.set_weights(weights)
    rng = np.random.default_rng(4)
    data = [rng.standard_normal((16, 3)).astype("float32"), (rng.random((16, 4)) > 0.5).astype("float32")]
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1))
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1))
    h_mk = mk.fit(data, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    h_kr = kr.fit(data, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_mk, h_kr, rtol=RTOL, atol=ATOL)
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, _numpy(b), rtol=RTOL, atol=ATOL)
