"""Attention layers against real Keras 3: the same weights give the same outputs and attention
scores, with and without masks; one SGD step of a transformer block gives the same weights.

Run with the parity environment (Keras 3 on the torch backend):
    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_attention_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402
from tests.layers.test_attention import transformer_encoder  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def _numpy(x):
    return keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x


def _same_weights(mk_model, kr_model, seed=1):
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in mk_model.get_weights()]
    assert [w.shape for w in weights] == [tuple(w.shape) for w in kr_model.weights]
    mk_model.set_weights(weights)
    kr_model.set_weights(weights)


def _compare(mk_model, kr_model, x):
    a = mk_model.predict(x, verbose=0)
    b = kr_model.predict(x, verbose=0)
    a, b = (a if isinstance(a, list) else [a]), (b if isinstance(b, (list, tuple)) else [b])
    assert len(a) == len(b)
    for i, j in zip(a, b):
        np.testing.assert_allclose(i, _numpy(j), rtol=RTOL, atol=ATOL)


MHA_CASES = {
    "self": ((5, 6), (5, 6), dict(num_heads=2, key_dim=3), {}),
    "cross": ((4, 6), (7, 3), dict(num_heads=3, key_dim=2), {}),
    "value_dim_output_shape": ((4, 6), (5, 3), dict(num_heads=2, key_dim=4, value_dim=3, output_shape=(2, 5)), {}),
    "no_bias": ((4, 6), (5, 3), dict(num_heads=2, key_dim=4, use_bias=False), {}),
    "causal": ((5, 4), (5, 4), dict(num_heads=2, key_dim=2), dict(use_causal_mask=True)),
    "gate": ((4, 6), (5, 3), dict(num_heads=2, key_dim=3, use_gate=True), {}),
    "sliding_window": ((6, 4), (6, 4), dict(num_heads=2, key_dim=2, sliding_window=2), {}),
    "image_2d": ((3, 4, 5), (2, 6, 5), dict(num_heads=2, key_dim=3), {}),
    "axis_2": ((3, 4, 5), (3, 6, 2), dict(num_heads=2, key_dim=3, attention_axes=(2,)), {}),
}


@pytest.mark.parametrize("name", sorted(MHA_CASES))
def test_multi_head_attention_outputs_and_scores(name):
    q_shape, v_shape, kwargs, call = MHA_CASES[name]
    models = []
    for lib in (minikeras, keras):
        q, v = lib.Input(q_shape), lib.Input(v_shape)
        out = lib.layers.MultiHeadAttention(**kwargs)(q, v, return_attention_scores=True, **call)
        models.append(lib.Model([q, v], list(out)))
    mk, kr = models
    assert mk.count_params() == kr.count_params()
    _same_weights(mk, kr)
    rng = np.random.default_rng(0)
    _compare(mk, kr, [rng.standard_normal((3,) + q_shape).astype("float32"),
                      rng.standard_normal((3,) + v_shape).astype("float32")])


def _mha_with_masks(lib):
    """Query and value padded with token 0 (Embedding masks), a separate key, an explicit
    attention mask as an input, and a causal mask on top."""
    q_ids, v_ids = lib.Input((5,), dtype="int32"), lib.Input((6,), dtype="int32")
    key = lib.Input((6, 3))
    att_mask = lib.Input((5, 6), dtype="bool")
    q = lib.layers.Embedding(10, 4, mask_zero=True)(q_ids)
    v = lib.layers.Embedding(10, 4, mask_zero=True)(v_ids)
    out, scores = lib.layers.MultiHeadAttention(2, 3)(q, v, key=key, attention_mask=att_mask,
                                                      use_causal_mask=True, return_attention_scores=True)
    return lib.Model([q_ids, v_ids, key, att_mask], [out, scores])


def test_multi_head_attention_with_every_kind_of_mask():
    mk, kr = _mha_with_masks(minikeras), _mha_with_masks(keras)
    _same_weights(mk, kr)
    rng = np.random.default_rng(3)
    q_ids = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], "int32")
    v_ids = np.array([[1, 2, 3, 4, 0, 0], [4, 5, 6, 7, 8, 9]], "int32")
    mask = rng.random((2, 5, 6)) > 0.3
    mask[:, :, 0] = True
    _compare(mk, kr, [q_ids, v_ids, rng.standard_normal((2, 6, 3)).astype("float32"), mask])


def test_multi_head_attention_eager_value_mask_and_attention_mask():
    rng = np.random.default_rng(4)
    q, v = rng.standard_normal((2, 3, 4)).astype("float32"), rng.standard_normal((2, 5, 4)).astype("float32")
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    attention_mask = rng.random((2, 3, 5)) > 0.4
    attention_mask[:, :, 0] = True
    mk, kr = minikeras.layers.MultiHeadAttention(2, 3), keras.layers.MultiHeadAttention(2, 3)
    mk(q, v)
    kr(q, v)
    weights = [rng.standard_normal(w.shape).astype("float32") for w in mk.get_weights()]
    mk.set_weights(weights)
    kr.set_weights(weights)
    for kwargs in (dict(value_mask=value_mask), dict(attention_mask=attention_mask),
                   dict(value_mask=value_mask, attention_mask=attention_mask, use_causal_mask=False)):
        a = mk(q, v, return_attention_scores=True, **kwargs)
        b = kr(q, v, return_attention_scores=True, **kwargs)
        for i, j in zip(a, b):
            np.testing.assert_allclose(np.asarray(i), _numpy(j), rtol=RTOL, atol=ATOL)


ATTENTION_CASES = {
    "Attention": dict(),
    "Attention_scale": dict(use_scale=True),
    "Attention_concat": dict(score_mode="concat"),
    "Attention_concat_scale": dict(score_mode="concat", use_scale=True),
    "AdditiveAttention": dict(),
    "AdditiveAttention_no_scale": dict(use_scale=False),
}


def _attention_model(lib, name, masked, causal, with_key):
    cls = getattr(lib.layers, name.split("_")[0])
    kwargs = ATTENTION_CASES[name]
    q_ids, v_ids = lib.Input((4,), dtype="int32"), lib.Input((5,), dtype="int32")
    q = lib.layers.Embedding(10, 3, mask_zero=masked)(q_ids)
    v = lib.layers.Embedding(10, 3, mask_zero=masked)(v_ids)
    inputs = [q, v] + ([lib.layers.Dense(3)(v)] if with_key else [])
    out, scores = cls(**kwargs)(inputs, return_attention_scores=True, use_causal_mask=causal)
    return lib.Model([q_ids, v_ids], [out, scores])


@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
@pytest.mark.parametrize("name", sorted(ATTENTION_CASES))
def test_attention_layers(name, masked):
    q_ids = np.array([[1, 2, 3, 0], [4, 5, 6, 7], [1, 1, 0, 0]], "int32")
    v_ids = np.array([[1, 2, 3, 4, 0], [4, 5, 6, 7, 8], [2, 0, 0, 0, 0]], "int32")
    for causal, with_key in ((False, False), (True, True)):
        mk = _attention_model(minikeras, name, masked, causal, with_key)
        kr = _attention_model(keras, name, masked, causal, with_key)
        assert mk.count_params() == kr.count_params()
        _same_weights(mk, kr, seed=2)
        _compare(mk, kr, [q_ids, v_ids])


def test_configs_match_keras():
    for make in (lambda lib: lib.layers.MultiHeadAttention(2, 3, value_dim=4, dropout=0.1, output_shape=5),
                 lambda lib: lib.layers.Attention(use_scale=True, score_mode="concat", dropout=0.2),
                 lambda lib: lib.layers.AdditiveAttention(use_scale=False)):
        mk, kr = make(minikeras), make(keras)
        mk_config, kr_config = mk.get_config(), kr.get_config()
        for config in (mk_config, kr_config):
            config.pop("name")
        kr_config = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kr_config.items()}
        assert set(mk_config) == set(kr_config)
        for key in mk_config:
            if key.endswith("initializer"):
                assert mk_config[key]["class_name"] == kr_config[key]["class_name"]
            elif key != "dtype":
                assert mk_config[key] == kr_config[key], key


def test_a_keras_file_with_attention_loads_in_minikeras(tmp_path):
    model = _mha_with_masks(keras)
    _same_weights(model, model, seed=5)
    model.save(tmp_path / "k.keras")
    loaded = minikeras.models.load_model(tmp_path / "k.keras")
    rng = np.random.default_rng(3)
    x = [np.array([[1, 2, 3, 0, 0]], "int32"), np.array([[1, 2, 3, 4, 0, 0]], "int32"),
         rng.standard_normal((1, 6, 3)).astype("float32"), np.ones((1, 5, 6), bool)]
    _compare(loaded, model, x)


def test_weights_files_cross_both_ways(tmp_path):
    mk, kr = transformer_encoder(minikeras), transformer_encoder(keras)
    _same_weights(mk, kr, seed=6)
    mk.save_weights(tmp_path / "mk.weights.h5")
    kr2 = transformer_encoder(keras)
    kr2.load_weights(tmp_path / "mk.weights.h5")
    x = np.random.default_rng(0).integers(0, 12, size=(4, 8)).astype("int32")
    _compare(mk, kr2, x)
    kr.save_weights(tmp_path / "kr.weights.h5")
    mk2 = transformer_encoder(minikeras)
    mk2.load_weights(tmp_path / "kr.weights.h5")
    _compare(mk2, kr, x)


def test_one_sgd_step_of_a_transformer_block_gives_the_same_weights():
    mk, kr = transformer_encoder(minikeras), transformer_encoder(keras)
    assert mk.count_params() == kr.count_params()
    _same_weights(mk, kr, seed=7)
    x = np.random.default_rng(1).integers(0, 12, size=(8, 8)).astype("int32")
    y = np.random.default_rng(2).integers(0, 2, size=(8,)).astype("int32")
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    np.testing.assert_allclose(np.ravel(mk.train_on_batch(x, y))[0], np.ravel(kr.train_on_batch(x, y))[0],
                               rtol=RTOL, atol=ATOL)
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, _numpy(b), rtol=RTOL, atol=ATOL)
