"""Attention layers: gradients (float64 finite differences), masks, shapes in functional
models, configs and files, and a small transformer encoder block that learns with fit()."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops
from tests.conftest import numeric_gradient


def _check_gradients(run, xs, params, rtol=1e-4, atol=1e-6):
    """d sum(run(xs) * W) / d(xs and params) by the tape against central differences."""
    rng = np.random.default_rng(0)
    out = run([ops.convert_to_tensor(x) for x in xs])
    w = rng.normal(size=np.shape(np.asarray(out)))

    def loss():
        return float(np.sum(np.asarray(run([ops.convert_to_tensor(x) for x in xs])) * w))

    tensors = [ops.convert_to_tensor(x) for x in xs]
    with ops.GradientTape() as tape:
        tape.watch(tensors)
        total = ops.sum(ops.multiply(run(tensors), w))
    grads = tape.gradient(total, tensors + list(params))
    for target, grad in zip(list(xs) + [p.value for p in params], grads):
        assert grad is not None
        np.testing.assert_allclose(np.asarray(grad.value), numeric_gradient(loss, target), rtol=rtol, atol=atol)


MHA_GRADIENT_CASES = {
    "self": (dict(num_heads=2, key_dim=3), [(2, 4, 5), (2, 4, 5)], {}),
    "cross_value_dim_output_shape": (dict(num_heads=2, key_dim=2, value_dim=3, output_shape=4),
                                     [(2, 3, 5), (2, 4, 3)], {}),
    "causal": (dict(num_heads=1, key_dim=3), [(2, 4, 3), (2, 4, 3)], dict(use_causal_mask=True)),
    "no_bias_gate": (dict(num_heads=2, key_dim=2, use_bias=False, use_gate=True), [(1, 3, 4), (1, 3, 4)], {}),
    "two_attention_axes": (dict(num_heads=2, key_dim=2), [(1, 2, 3, 4), (1, 2, 3, 4)], {}),
    "attention_axis_2": (dict(num_heads=1, key_dim=2, attention_axes=2), [(1, 2, 3, 4), (1, 2, 2, 3)], {}),
}


@pytest.mark.parametrize("name", sorted(MHA_GRADIENT_CASES))
def test_multi_head_attention_gradients(name, float64):
    kwargs, shapes, call = MHA_GRADIENT_CASES[name]
    layer = layers.MultiHeadAttention(**kwargs)
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=s) for s in shapes]
    layer(xs[0], xs[1])
    for w in layer.weights:  # non-zero biases, so their gradients are checked too
        w.assign(rng.normal(size=w.shape))
    _check_gradients(lambda t: layer(t[0], t[1], **call), xs, layer.trainable_weights)


def test_multi_head_attention_gradients_with_masks(float64):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    rng = np.random.default_rng(2)
    xs = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))]
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    attention_mask = rng.random((2, 3, 5)) > 0.3
    attention_mask[:, :, 0] = True
    layer(xs[0], xs[1])
    _check_gradients(lambda t: layer(t[0], t[1], value_mask=value_mask, attention_mask=attention_mask),
                     xs, layer.trainable_weights)


@pytest.mark.parametrize("kwargs", [dict(), dict(use_scale=True), dict(score_mode="concat"),
                                    dict(score_mode="concat", use_scale=True)], ids=str)
def test_attention_gradients(kwargs, float64):
    layer = layers.Attention(**kwargs)
    rng = np.random.default_rng(3)
    xs = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 4))]
    layer(xs)
    for w in layer.weights:
        w.assign(rng.uniform(0.5, 1.5, w.shape))
    mask = [np.array([[1, 1, 0], [1, 1, 1]], bool), np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)]
    _check_gradients(lambda t: layer(list(t), mask=mask + [None]), xs, layer.trainable_weights)


def test_additive_attention_gradients(float64):
    layer = layers.AdditiveAttention()
    rng = np.random.default_rng(4)
    xs = [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))]
    layer(xs)
    _check_gradients(lambda t: layer(list(t), use_causal_mask=True), xs, layer.trainable_weights)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_multi_head_attention_matches_the_formula():
    """One head, written out with numpy: softmax(QK^T/sqrt(d)) V, then the output projection."""
    layer = layers.MultiHeadAttention(num_heads=1, key_dim=3)
    rng = np.random.default_rng(5)
    q, v = rng.normal(size=(2, 4, 5)).astype("float32"), rng.normal(size=(2, 6, 5)).astype("float32")
    layer(q, v)
    for w in layer.weights:
        w.assign(rng.normal(size=w.shape))
    wq, bq, wk, bk, wv, bv, wo, bo = [w.value for w in layer.weights]
    Q, K, V = q @ wq[:, 0] + bq[0], v @ wk[:, 0] + bk[0], v @ wv[:, 0] + bv[0]
    value_mask = np.array([[1, 1, 1, 1, 0, 0], [1] * 6], bool)
    scores = Q @ K.transpose(0, 2, 1) / np.sqrt(3)
    scores = np.where(value_mask[:, None, :], scores, -1e9)
    expected = (_softmax(scores) @ V) @ wo[0] + bo
    out, attention = layer(q, v, value_mask=value_mask, return_attention_scores=True)
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-4, atol=1e-5)
    assert attention.shape == (2, 1, 4, 6)
    np.testing.assert_array_equal(np.asarray(attention)[0, 0, :, 4:], 0)


def test_causal_mask_hides_the_future():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    x = np.random.default_rng(6).normal(size=(1, 5, 4)).astype("float32")
    _, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    scores = np.asarray(scores)[0]
    assert np.all(np.triu(np.ones((5, 5)), k=1)[None] * scores == 0)
    np.testing.assert_allclose(scores.sum(-1), 1, rtol=1e-5)
    # changing a later position leaves earlier outputs unchanged
    y = x.copy()
    y[0, 3:] += 1
    a, b = np.asarray(layer(x, x, use_causal_mask=True)), np.asarray(layer(y, y, use_causal_mask=True))
    np.testing.assert_allclose(a[0, :3], b[0, :3], rtol=1e-5, atol=1e-6)


def test_weights_names_shapes_and_order_follow_keras():
    q = keras.Input((4, 6))
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5, name="mha")
    layer(q, keras.Input((7, 8)))
    assert [w.path for w in layer.weights] == [
        "mha/query/kernel", "mha/query/bias", "mha/key/kernel", "mha/key/bias", "mha/value/kernel",
        "mha/value/bias", "mha/attention_output/kernel", "mha/attention_output/bias"]
    assert [w.shape for w in layer.weights] == [(6, 2, 3), (2, 3), (8, 2, 3), (2, 3), (8, 2, 5), (2, 5),
                                                (2, 5, 6), (6,)]
    assert layer.count_params() == sum(int(np.prod(w.shape)) for w in layer.weights) == 252
    assert layer.get_config()["attention_axes"] == [1]


def test_symbolic_shapes_and_scores_in_a_functional_model():
    q, v = keras.Input((None, 8)), keras.Input((5, 4))
    out, scores = layers.MultiHeadAttention(num_heads=3, key_dim=2)(q, v, return_attention_scores=True)
    assert out.shape == (None, None, 8) and scores.shape == (None, 3, None, 5)
    a, a_scores = layers.Attention()([q, layers.Dense(8)(v)], return_attention_scores=True)
    assert a.shape == (None, None, 8) and a_scores.shape == (None, None, 5)
    model = keras.Model([q, v], [out, scores, a])
    rng = np.random.default_rng(0)
    results = model.predict([rng.normal(size=(2, 3, 8)), rng.normal(size=(2, 5, 4))], verbose=0)
    assert [r.shape for r in results] == [(2, 3, 8), (2, 3, 3, 5), (2, 3, 8)]


def test_masks_flow_from_embedding_into_attention():
    """Padding (token 0) is masked: padded keys get no attention weight; Attention zeroes
    padded query positions, and its output keeps the query's mask."""
    tokens = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 4, mask_zero=True)(tokens)
    att = layers.Attention()([x, x])
    mha, scores = layers.MultiHeadAttention(2, 2)(x, x, return_attention_scores=True)
    assert att._keras_mask is not None and mha._keras_mask is not None
    model = keras.Model(tokens, [att, mha, scores])
    ids = np.array([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]])
    att_out, mha_out, s = model.predict(ids, verbose=0)
    np.testing.assert_array_equal(att_out[0, 3:], 0)
    np.testing.assert_array_equal(s[0, :, :, 3:], 0)   # padded keys
    np.testing.assert_array_equal(s[0, :, 3:, :], 0)   # padded queries
    # the padded tokens' embeddings do not change the other outputs
    ids2 = ids.copy()
    ids2[0, 3:] = 0
    np.testing.assert_allclose(model.predict(ids2, verbose=0)[1][0, :3], mha_out[0, :3], rtol=1e-6)


def test_attention_mask_as_a_model_input_and_dropout_only_in_training():
    q, m = keras.Input((3, 4)), keras.Input((3, 3), dtype="bool")
    layer = layers.MultiHeadAttention(1, 4, dropout=0.5, seed=3)
    model = keras.Model([q, m], layer(q, q, attention_mask=m))
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    mask = np.tril(np.ones((2, 3, 3), bool))
    a, b = model.predict([x, mask], verbose=0), model.predict([x, mask], verbose=0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, np.asarray(layer(x, x, use_causal_mask=True)), rtol=1e-5, atol=1e-6)
    trained = [np.asarray(model([x, mask], training=True)) for _ in range(2)]
    assert not np.allclose(trained[0], trained[1])


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 2)
    with pytest.raises(ValueError, match="key_dim"):
        layers.MultiHeadAttention(2, None)
    with pytest.raises(ValueError, match="value"):
        layers.MultiHeadAttention(2, 2)(keras.Input((3, 4)))
    with pytest.raises(ValueError, match="value.*key.*except the last"):
        layers.MultiHeadAttention(2, 2)(keras.Input((3, 4)), keras.Input((5, 4)), keras.Input((6, 4)))
    with pytest.raises(ValueError, match="kernel_constraint"):
        layers.MultiHeadAttention(2, 2, kernel_constraint="non_neg")
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(keras.Input((3, 4)))
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_configs_and_files_round_trip(suffix, tmp_path):
    tokens = keras.Input((6,), dtype="int32")
    x = layers.Embedding(20, 8, mask_zero=True)(tokens)
    y = layers.MultiHeadAttention(2, 4, value_dim=3, output_shape=5, dropout=0.1, name="mha")(
        x, x, use_causal_mask=True)
    z = layers.AdditiveAttention(name="add")([y, y])
    w = layers.Attention(use_scale=True, score_mode="concat", name="att")([z, z])
    model = keras.Model(tokens, w)
    rng = np.random.default_rng(0)
    for var in model.weights:
        var.assign(rng.normal(size=var.shape))
    ids = rng.integers(0, 20, size=(3, 6))
    expected = model.predict(ids, verbose=0)
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    assert loaded.get_layer("mha").get_config() == model.get_layer("mha").get_config()
    assert loaded.count_params() == model.count_params()
    np.testing.assert_array_equal(loaded.predict(ids, verbose=0), expected)
    clone = keras.Model.from_config(model.get_config())
    assert clone.count_params() == model.count_params()


def transformer_encoder(lib, seq_len=8, vocab=12, dim=16, heads=2, ff=32):
    """A transformer encoder block with the functional API, written identically for any lib."""
    tokens = lib.Input((seq_len,), dtype="int32")
    x = lib.layers.Embedding(vocab, dim)(tokens)
    attention = lib.layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)(x, x)
    x = lib.layers.LayerNormalization(epsilon=1e-6)(lib.layers.Add()([x, attention]))
    hidden = lib.layers.Dense(ff, activation="relu")(x)
    x = lib.layers.LayerNormalization(epsilon=1e-6)(lib.layers.Add()([x, lib.layers.Dense(dim)(hidden)]))
    x = lib.layers.Flatten()(x)  # keeps the positions: attention alone is order-blind
    return lib.Model(tokens, lib.layers.Dense(2, activation="softmax")(x))


def test_a_transformer_encoder_block_learns():
    """Toy task: does token 1 appear before token 2 in the sequence? Order matters, so a
    bag of embeddings cannot solve it; attention between positions can."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(3, 12, size=(512, 8))
    for row in x:
        i, j = rng.choice(8, size=2, replace=False)
        row[i], row[j] = 1, 2
    y = (np.argmax(x == 1, axis=1) < np.argmax(x == 2, axis=1)).astype("int32")
    model = transformer_encoder(keras)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.3 * losses[0]
    assert history.history["accuracy"][-1] > 0.95
