"""Masks against real Keras 3: ``Embedding(mask_zero=True)`` and ``Masking`` masks flowing
through a functional graph into recurrent layers, wrappers, merges, pooling, attention and
custom layers. The same weights and the same padded inputs give the same outputs, and the
same masks on the outputs; a masked loss gives the same value in ``evaluate`` and the same
weights after one ``fit`` step.

Run with the parity environment (Keras 3 on the torch backend):
    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_masking_parity.py
"""
import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402
from tests.saving.test_serialization import ALL_CASES, NEEDS_TENSORFLOW, build_case  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
VOCAB, STEPS, BATCH = 12, 6, 5


def padded_ids(padding="post", seed=0):
    """Token ids of random lengths 1..STEPS, padded with 0 before or after (pad_sequences's
    two styles: ``pre``, its default, puts the padding first)."""
    rng = np.random.default_rng(seed)
    ids = np.zeros((BATCH, STEPS), "int32")
    for row, length in enumerate(rng.integers(1, STEPS + 1, BATCH)):
        tokens = rng.integers(1, VOCAB, length)
        if padding == "post":
            ids[row, :length] = tokens
        else:
            ids[row, STEPS - length:] = tokens
    return ids


def padded_features(seed=0, features=3):
    """Float sequences whose padded steps are all zeros (for ``Masking(0.0)``)."""
    ids = padded_ids("post", seed)
    x = np.random.default_rng(seed + 1).standard_normal((BATCH, STEPS, features)).astype("float32")
    return x * (ids > 0)[..., None]


def custom_layers(lib):
    """The custom layers of Keras's guide "Understanding masking & padding", written for ``lib``."""

    class TemporalSoftmax(lib.layers.Layer):
        """A softmax over time that ignores masked steps: receives the mask in call()."""

        def call(self, inputs, mask=None):
            scores = lib.ops.exp(inputs - lib.ops.max(inputs, axis=1, keepdims=True))
            if mask is not None:
                scores = scores * lib.ops.expand_dims(lib.ops.cast(mask, inputs.dtype), -1)
            return scores / lib.ops.sum(scores, axis=1, keepdims=True)

    class MaskedSum(lib.layers.Layer):
        """Sums the unmasked steps; the output has no time axis, so no mask."""

        def call(self, inputs, mask=None):
            if mask is None:
                return lib.ops.sum(inputs, axis=1)
            return lib.ops.sum(inputs * lib.ops.expand_dims(lib.ops.cast(mask, inputs.dtype), -1), axis=1)

    class Scale(lib.layers.Layer):
        """Elementwise: passes the mask through (supports_masking = True)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs):
            return inputs * 2.0

    class DropLastStep(lib.layers.Layer):
        """Shortens time by one step, so it computes its own mask (compute_mask)."""

        def call(self, inputs):
            return inputs[:, :-1]

        def compute_mask(self, inputs, mask=None):
            return None if mask is None else mask[:, :-1]

    class MaskedScale(lib.layers.Layer):
        """Per sample: zero where masked. Inside TimeDistributed it gets each step's mask."""

        def call(self, inputs, mask=None):
            if mask is None:
                return inputs
            return inputs * lib.ops.expand_dims(lib.ops.cast(mask, inputs.dtype), -1)

        def compute_output_shape(self, input_shape):
            return input_shape

    class NoMask(lib.layers.Layer):
        """Neither takes a mask nor supports masking: the mask stops here."""

        def call(self, inputs):
            return inputs + 1.0

    return dict(TemporalSoftmax=TemporalSoftmax, MaskedSum=MaskedSum, Scale=Scale, DropLastStep=DropLastStep,
                NoMask=NoMask, MaskedScale=MaskedScale)


def _ids(lib):
    return lib.Input((STEPS,), dtype="int32")


def _embedded(lib, ids, dim=4):
    return lib.layers.Embedding(VOCAB, dim, mask_zero=True)(ids)


def _recurrent(name):
    def build(lib, return_sequences):
        ids = _ids(lib)
        return lib.Model(ids, getattr(lib.layers, name)(3, return_sequences=return_sequences)(_embedded(lib, ids)))
    return build


def _recurrent_options(name, **options):
    def build(lib, return_sequences):
        ids = _ids(lib)
        rnn = getattr(lib.layers, name)(3, return_sequences=return_sequences, **options)
        return lib.Model(ids, rnn(_embedded(lib, ids)))
    return build


def _return_state(lib, return_sequences):
    ids = _ids(lib)
    outputs = lib.layers.LSTM(3, return_sequences=return_sequences, return_state=True)(_embedded(lib, ids))
    return lib.Model(ids, list(outputs))


def _sequential(lib, return_sequences):
    return lib.Sequential([lib.Input((STEPS,), dtype="int32"), lib.layers.Embedding(VOCAB, 4, mask_zero=True),
                           lib.layers.Dense(5, activation="relu"),
                           lib.layers.GRU(3, return_sequences=return_sequences)])


def _lambda(lib, return_sequences):
    """A Lambda with a mask function: it keeps the mask of the steps it keeps."""
    ids = _ids(lib)
    x = lib.layers.Lambda(lambda t: t[:, 1:], mask=lambda inputs, mask: mask[:, 1:])(_embedded(lib, ids))
    return lib.Model(ids, lib.layers.LSTM(3, return_sequences=return_sequences)(x))


def _time_distributed_masked_layer(lib, return_sequences):
    ids = _ids(lib)
    x = lib.layers.TimeDistributed(custom_layers(lib)["MaskedScale"]())(_embedded(lib, ids))
    return lib.Model(ids, lib.layers.Flatten()(x))   # every step's values, the masked ones too


def _masking_lstm(lib, return_sequences):
    x = lib.Input((STEPS, 3))
    return lib.Model(x, lib.layers.LSTM(4, return_sequences=return_sequences)(lib.layers.Masking(0.0)(x)))


def _bidirectional(merge_mode, layer="LSTM"):
    def build(lib, return_sequences):
        ids = _ids(lib)
        rnn = getattr(lib.layers, layer)(3, return_sequences=return_sequences)
        out = lib.layers.Bidirectional(rnn, merge_mode=merge_mode)(_embedded(lib, ids))
        return lib.Model(ids, out)
    return build


def _pass_through(lib, return_sequences):
    """Dense, Dropout, Activation and LayerNormalization keep the mask for the LSTM."""
    ids = _ids(lib)
    x = lib.layers.Dense(5)(_embedded(lib, ids))
    x = lib.layers.Dropout(0.5)(x)
    x = lib.layers.Activation("tanh")(x)
    x = lib.layers.LayerNormalization()(x)
    return lib.Model(ids, lib.layers.GRU(3, return_sequences=return_sequences)(x))


def _stacked(lib, return_sequences):
    ids = _ids(lib)
    x = lib.layers.LSTM(4, return_sequences=True)(_embedded(lib, ids))
    x = lib.layers.SimpleRNN(3, return_sequences=return_sequences)(x)
    return lib.Model(ids, x)


def _time_distributed(lib, return_sequences):
    ids = _ids(lib)
    x = lib.layers.LSTM(4, return_sequences=True)(_embedded(lib, ids))
    x = lib.layers.TimeDistributed(lib.layers.Dense(2))(x)
    return lib.Model(ids, lib.layers.GRU(3, return_sequences=return_sequences)(x))


def _pooling(name):
    def build(lib, return_sequences):
        ids = _ids(lib)
        return lib.Model(ids, getattr(lib.layers, name)()(_embedded(lib, ids)))
    return build


def _merge(name, masked_both):
    """A merge of a masked branch (Embedding) with a masked or an unmasked (Input -> Dense) one."""
    def build(lib, return_sequences):
        ids = _ids(lib)
        a = _embedded(lib, ids)
        if masked_both:
            other_in = _ids(lib)
            b = lib.layers.Embedding(VOCAB, 4, mask_zero=True)(other_in)
        else:
            other_in = lib.Input((STEPS, 2))
            b = lib.layers.Dense(4)(other_in)
        merged = getattr(lib.layers, name)()([a, b])
        return lib.Model([ids, other_in], lib.layers.LSTM(3, return_sequences=return_sequences)(merged))
    return build


def _attention(lib, return_sequences):
    q_ids, v_ids = _ids(lib), _ids(lib)
    out = lib.layers.Attention()([_embedded(lib, q_ids), _embedded(lib, v_ids)])
    return lib.Model([q_ids, v_ids], lib.layers.LSTM(3, return_sequences=return_sequences)(out))


def _multi_head_attention(lib, return_sequences):
    ids = _ids(lib)
    x = _embedded(lib, ids)
    x = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
    return lib.Model(ids, lib.layers.LSTM(3, return_sequences=return_sequences)(x))


def _transformer_residual(lib, return_sequences):
    """Self-attention with a residual connection and layer normalization, then an RNN."""
    ids = _ids(lib)
    x = _embedded(lib, ids)
    x = lib.layers.LayerNormalization()(lib.layers.Add()([x, lib.layers.MultiHeadAttention(2, 2)(x, x)]))
    return lib.Model(ids, lib.layers.LSTM(3, return_sequences=return_sequences)(x))


def _custom(name):
    def build(lib, return_sequences):
        ids = _ids(lib)
        x = custom_layers(lib)[name]()(_embedded(lib, ids))
        if name == "MaskedSum":
            return lib.Model(ids, x)
        return lib.Model(ids, lib.layers.LSTM(3, return_sequences=return_sequences)(x))
    return build


CASES = {
    "SimpleRNN": _recurrent("SimpleRNN"), "LSTM": _recurrent("LSTM"), "GRU": _recurrent("GRU"),
    "Masking_LSTM": _masking_lstm,
    "LSTM_zero_output_for_mask": _recurrent_options("LSTM", zero_output_for_mask=True),
    "GRU_go_backwards_zero_output": _recurrent_options("GRU", go_backwards=True, zero_output_for_mask=True),
    "SimpleRNN_go_backwards": _recurrent_options("SimpleRNN", go_backwards=True),
    "LSTM_return_state": _return_state, "Sequential": _sequential,
    "Lambda_mask": _lambda, "TimeDistributed_mask_to_layer": _time_distributed_masked_layer,
    "Maximum_masked_masked": _merge("Maximum", True), "Minimum_masked_unmasked": _merge("Minimum", False),
    "Average_masked_masked": _merge("Average", True), "Subtract_masked_unmasked": _merge("Subtract", False),
    "Bidirectional_concat": _bidirectional("concat"), "Bidirectional_sum": _bidirectional("sum"),
    "Bidirectional_GRU_ave": _bidirectional("ave", "GRU"), "Bidirectional_none": _bidirectional(None),
    "pass_through": _pass_through, "stacked": _stacked, "TimeDistributed": _time_distributed,
    "GlobalAveragePooling1D": _pooling("GlobalAveragePooling1D"),
    "GlobalMaxPooling1D": _pooling("GlobalMaxPooling1D"),
    "Add_masked_unmasked": _merge("Add", False), "Add_masked_masked": _merge("Add", True),
    "Concatenate_masked_unmasked": _merge("Concatenate", False),
    "Concatenate_masked_masked": _merge("Concatenate", True),
    "Multiply_masked_masked": _merge("Multiply", True),
    "Attention": _attention, "MultiHeadAttention": _multi_head_attention,
    "MultiHeadAttention_residual": _transformer_residual,
    "custom_TemporalSoftmax": _custom("TemporalSoftmax"), "custom_MaskedSum": _custom("MaskedSum"),
    "custom_Scale": _custom("Scale"), "custom_DropLastStep": _custom("DropLastStep"),
    "custom_NoMask": _custom("NoMask"),
}
WITHOUT_SEQUENCES = {"GlobalAveragePooling1D", "GlobalMaxPooling1D", "custom_MaskedSum",
                     "TimeDistributed_mask_to_layer"}


def _pair(name, return_sequences):
    minikeras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras warns where a layer drops a mask
        mk, kr = CASES[name](minikeras, return_sequences), CASES[name](keras, return_sequences)
    rng = np.random.default_rng(7)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in mk.get_weights()]
    assert [w.shape for w in weights] == [tuple(w.shape) for w in kr.weights]
    mk.set_weights(weights)
    kr.set_weights(weights)
    return mk, kr


def _inputs(model, padding):
    """Padded data for each of the model's inputs: ids for int inputs, zero steps for floats."""
    data = []
    for i, x in enumerate(model.inputs):
        if "int" in str(x.dtype):
            data.append(padded_ids(padding, seed=i))
        else:
            data.append(padded_features(seed=i, features=x.shape[-1]))
    return data[0] if len(data) == 1 else data


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _numpy(x):
    return None if x is None else np.asarray(keras.ops.convert_to_numpy(x))


_CASE_IDS = [(n, s) for n in sorted(CASES) for s in ((False,) if n in WITHOUT_SEQUENCES else (False, True))]


@pytest.mark.parametrize("padding", ["post", "pre"])
@pytest.mark.parametrize("name,return_sequences", _CASE_IDS)
def test_same_outputs_and_output_masks_as_keras(name, return_sequences, padding):
    mk, kr = _pair(name, return_sequences)
    x = _inputs(mk, padding)
    mk_out = _as_list(mk.predict(x, verbose=0))
    kr_out = _as_list(kr.predict(x, verbose=0))
    assert len(mk_out) == len(kr_out)
    for a, b in zip(mk_out, kr_out):
        np.testing.assert_allclose(a, _numpy(b), rtol=RTOL, atol=ATOL)
    # The model called on data: its outputs carry the masks Keras's carry.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mk_called, kr_called = _as_list(mk(x)), _as_list(kr(x))
    for a, b in zip(mk_called, kr_called):
        kr_mask, mk_mask = _numpy(getattr(b, "_keras_mask", None)), getattr(a, "_keras_mask", None)
        if kr_mask is None:
            assert mk_mask is None
        else:
            np.testing.assert_array_equal(np.asarray(mk_mask), kr_mask)


@pytest.mark.parametrize("name", [n for n in ALL_CASES if n not in NEEDS_TENSORFLOW])
def test_every_layer_supports_masking_as_keras_does(name):
    """Which layers pass a mask on: the layer of each serialization case, in both libraries."""
    def layer_of(model):
        found = [layer for layer in model.layers if type(layer).__name__ == name]
        if not found:   # a cell's case: the cell is inside an RNN layer
            found = [layer.cell for layer in model.layers if type(getattr(layer, "cell", None)).__name__ == name]
        return found[0]
    minikeras.backend.clear_session()
    assert layer_of(build_case(minikeras, name)).supports_masking == layer_of(build_case(keras, name)).supports_masking


# ----------------------------------------------------------------------------- masked losses

def _seq2seq(lib, vocab_out=5):
    """Embedding(mask_zero) -> LSTM(return_sequences) -> TimeDistributed(Dense softmax): the
    prediction carries the input's mask, so padded steps count in neither loss nor metrics."""
    ids = _ids(lib)
    x = lib.layers.LSTM(4, return_sequences=True)(_embedded(lib, ids))
    return lib.Model(ids, lib.layers.TimeDistributed(lib.layers.Dense(vocab_out, activation="softmax"))(x))


def _regression(lib):
    ids = _ids(lib)
    return lib.Model(ids, lib.layers.GRU(2, return_sequences=True)(_embedded(lib, ids)))


class _SquaredError:
    """A Loss subclass (not a built-in function): it runs through Loss.__call__."""

    @staticmethod
    def make(lib):
        class SquaredError(lib.losses.Loss):
            def call(self, y_true, y_pred):
                return lib.ops.mean(lib.ops.square(y_pred - y_true), axis=-1)
        return SquaredError()


TRAINING_CASES = {
    "sparse_crossentropy": (_seq2seq, lambda lib: "sparse_categorical_crossentropy", ["accuracy"],
                            lambda ids: np.random.default_rng(3).integers(0, 5, ids.shape)),
    "mse": (_regression, lambda lib: "mse", ["mae"],
            lambda ids: np.random.default_rng(3).standard_normal(ids.shape + (2,)).astype("float32")),
    "loss_subclass": (_regression, _SquaredError.make, [],
                      lambda ids: np.random.default_rng(3).standard_normal(ids.shape + (2,)).astype("float32")),
}


def _training_pair(name):
    build, loss, metrics, targets = TRAINING_CASES[name]
    minikeras.backend.clear_session()
    mk, kr = build(minikeras), build(keras)
    rng = np.random.default_rng(11)
    weights = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in mk.get_weights()]
    mk.set_weights(weights)
    kr.set_weights(weights)
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.5), loss=loss(minikeras), metrics=metrics)
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss=loss(keras), metrics=metrics)
    ids = padded_ids("post")
    return mk, kr, ids, targets(ids)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(TRAINING_CASES))
def test_masked_loss_and_metrics_in_evaluate_and_one_fit_step(name, weighted):
    mk, kr, ids, y = _training_pair(name)
    # Per-step weights: Keras 3 multiplies them with the mask (one weight per sample does not
    # line up with a (batch, steps) mask in Keras 3.15: torch refuses the product).
    sw = np.linspace(0.5, 2.0, ids.size).reshape(ids.shape).astype("float32") if weighted else None
    mk_logs = mk.evaluate(ids, y, sample_weight=sw, batch_size=BATCH, verbose=0, return_dict=True)
    kr_logs = kr.evaluate(ids, y, sample_weight=sw, batch_size=BATCH, verbose=0, return_dict=True)
    assert set(mk_logs) == set(kr_logs)
    for key in kr_logs:
        np.testing.assert_allclose(mk_logs[key], kr_logs[key], rtol=1e-5, err_msg=key)
    # the padded steps change nothing: masking differs from an unmasked model
    unmasked = np.where(ids > 0, ids, 1)
    assert not np.isclose(mk.evaluate(unmasked, y, verbose=0, return_dict=True)["loss"], mk_logs["loss"])
    mk.fit(ids, y, sample_weight=sw, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    kr.fit(ids, y, sample_weight=sw, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, _numpy(b), rtol=1e-4, atol=1e-6)


# ----------------------------------------------------------------------------- files

FILE_CASES = ["Bidirectional_concat", "LSTM_zero_output_for_mask", "Concatenate_masked_unmasked",
              "Masking_LSTM", "GlobalAveragePooling1D", "Add_masked_masked"]


@pytest.mark.parametrize("name", FILE_CASES)
def test_masked_models_saved_by_minikeras_load_in_keras(name, tmp_path):
    """Keras rebuilds the masks from the layers' calls: the same masked outputs."""
    mk, kr = _pair(name, name not in WITHOUT_SEQUENCES)
    x = _inputs(mk, "post")
    mk.save(tmp_path / "m.keras")
    from_mk = keras.models.load_model(tmp_path / "m.keras")
    for a, b in zip(_as_list(from_mk.predict(x, verbose=0)), _as_list(kr.predict(x, verbose=0))):
        np.testing.assert_allclose(_numpy(a), _numpy(b), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", FILE_CASES + ["Lambda_mask", "Sequential", "MultiHeadAttention"])
def test_masked_models_saved_by_keras_load_in_minikeras(name, tmp_path):
    """Keras writes the operations that computed the masks into the file; minikeras leaves them
    out and recomputes the same masks (engine/recorded_masks.py)."""
    mk, kr = _pair(name, name not in WITHOUT_SEQUENCES)
    x = _inputs(mk, "post")
    kr.save(tmp_path / "k.keras")
    minikeras.backend.clear_session()
    from_kr = minikeras.models.load_model(tmp_path / "k.keras", safe_mode=False)
    for a, b in zip(_as_list(from_kr.predict(x, verbose=0)), _as_list(kr.predict(x, verbose=0))):
        np.testing.assert_allclose(a, _numpy(b), rtol=RTOL, atol=ATOL)


def test_a_mask_computed_by_hand_in_keras_keeps_its_operations(tmp_path):
    """A mask Keras's layers do not make (keras.ops on the ids, given as mask=) is not
    recomputed by minikeras's rules: its operations stay as op nodes (ops/operation.py), and
    the outputs are Keras's. The same model written with minikeras gives them too."""
    def build(lib):
        ids = lib.Input((STEPS,), dtype="int32", name="ids")
        x = lib.layers.Embedding(VOCAB, 4, name="emb")(ids)   # no mask_zero: the mask is made by hand
        return lib.Model(ids, lib.layers.LSTM(3, name="lstm")(x, mask=lib.ops.not_equal(ids, 0)))
    model = build(keras)
    model.save(tmp_path / "k.keras")
    loaded = minikeras.models.load_model(tmp_path / "k.keras")
    assert any(op.name.startswith("not_equal") for op in loaded.operations)   # Keras numbers its names
    data = np.random.default_rng(0).integers(1, VOCAB, (3, STEPS)).astype("int32")
    data[0, STEPS // 2:] = 0   # padded rows: the hand-made mask matters
    data[1, 1:] = 0
    np.testing.assert_allclose(loaded.predict(data, verbose=0), _numpy(model.predict(data, verbose=0)),
                               rtol=RTOL, atol=ATOL)
    mine = build(minikeras)
    mine.set_weights([_numpy(w) for w in model.get_weights()])
    np.testing.assert_allclose(mine.predict(data, verbose=0), _numpy(model.predict(data, verbose=0)),
                               rtol=RTOL, atol=ATOL)


def test_a_keras_file_with_other_operations_keeps_them_as_ops(tmp_path):
    """Operations used for values (not masks) stay, and are rebuilt as minikeras ops
    (ops/operation.py; tests/parity/test_ops_in_graph_parity.py has more)."""
    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Dense(2)(keras.ops.abs(x)))
    model.save(tmp_path / "k.keras")
    loaded = minikeras.models.load_model(tmp_path / "k.keras")
    assert [op.name for op in loaded.operations] == [op.name for op in model.operations]
    data = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), _numpy(model.predict(data, verbose=0)),
                               rtol=RTOL, atol=ATOL)
