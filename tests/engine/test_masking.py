"""The mask rules of ``engine/masking.py``: which layers receive a mask, which pass it on,
which drop it (with Keras's warning), on symbolic tensors and on values, and how a masked
prediction weighs a loss and a metric. Outputs against real Keras 3 are in
``tests/parity/test_masking_parity.py``."""
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

IDS = np.array([[3, 5, 7, 0, 0], [2, 0, 0, 0, 0]], dtype="int32")
KEEP = IDS != 0


class Recorder(layers.Layer):
    """Remembers the mask each call received."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs, mask=None):
        self.seen.append(mask)
        return inputs


class PassThrough(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * 2.0


class ShiftMask(layers.Layer):
    """Defines compute_mask, so it supports masking without saying so."""

    def call(self, inputs):
        return inputs * 1.0

    def compute_mask(self, inputs, mask=None):
        return ops.logical_not(mask)


class Plain(layers.Layer):
    def call(self, inputs):
        return inputs + 1.0


def _no_warnings():
    catcher = warnings.catch_warnings()
    catcher.__enter__()
    warnings.simplefilter("error")
    return catcher


def test_supports_masking_defaults_to_defining_compute_mask():
    assert not Plain().supports_masking
    assert ShiftMask().supports_masking
    assert PassThrough().supports_masking
    layer = Plain()
    layer.supports_masking = True
    assert layer.supports_masking
    assert not layers.Embedding(5, 2).supports_masking and layers.Embedding(5, 2, mask_zero=True).supports_masking


def test_call_receives_the_mask_while_the_graph_is_built_and_when_it_runs():
    ids = keras.Input((5,), dtype="int32")
    recorder = Recorder()
    with pytest.warns(UserWarning, match="recorder.*does not support masking"):
        out = recorder(layers.Embedding(10, 3, mask_zero=True)(ids))
    symbolic = recorder.seen[-1]
    assert isinstance(symbolic, keras.KerasTensor) and symbolic.shape == (None, 5) and symbolic.dtype == "bool"
    model = keras.Model(ids, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.predict(IDS, verbose=0)
    np.testing.assert_array_equal(np.asarray(recorder.seen[-1]), KEEP)


class Doubler(Recorder):
    def call(self, inputs, mask=None):
        self.seen.append(mask)
        return inputs * 2.0


def test_an_explicit_mask_wins_over_the_carried_one():
    recorder = Doubler()
    recorder.supports_masking = True
    x = layers.Embedding(10, 3, mask_zero=True)(IDS)
    given = np.ones_like(KEEP)
    out = recorder(x, mask=given)
    assert recorder.seen[-1] is given
    np.testing.assert_array_equal(np.asarray(out._keras_mask), given)   # the outputs inherit it


def test_an_output_that_is_the_input_keeps_its_mask():
    """As Keras: compute_mask only fills outputs that carry no mask yet."""
    class Same(ShiftMask):
        def call(self, inputs):
            return inputs

    x = layers.Embedding(10, 3, mask_zero=True)(IDS)
    out = Same()(x)
    assert out is x and out._keras_mask is x._keras_mask


def test_a_layer_without_masking_support_drops_the_mask_with_a_warning():
    ids = keras.Input((5,), dtype="int32")
    with pytest.warns(UserWarning, match="Layer 'plain_1' \\(of type Plain\\).*destroy the mask"):
        out = Plain()(layers.Embedding(10, 3, mask_zero=True)(ids))
    assert out._keras_mask is None
    recorder = Recorder()
    recorder(out)
    assert recorder.seen[-1] is None


def test_no_warning_without_a_mask():
    catcher = _no_warnings()
    try:
        x = keras.Input((5, 3))
        Plain()(layers.Dense(3)(x))
    finally:
        catcher.__exit__(None, None, None)


def test_supporting_layers_pass_the_mask_and_compute_mask_overrides_it():
    ids = keras.Input((5,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(ids)
    passed = PassThrough()(layers.Dense(4)(layers.Dropout(0.5)(x)))
    assert passed._keras_mask is x._keras_mask
    flipped = ShiftMask()(passed)
    assert flipped._keras_mask is not x._keras_mask and flipped._keras_mask.shape == (None, 5)
    model = keras.Model(ids, [passed, flipped])
    assert model.outputs[0]._keras_mask is x._keras_mask
    a, b = model(IDS)
    np.testing.assert_array_equal(np.asarray(a._keras_mask), KEEP)
    np.testing.assert_array_equal(np.asarray(b._keras_mask), ~KEEP)


def test_masks_on_values_outside_a_model_as_in_keras_guide():
    """Keras's guide "Understanding masking & padding": layers called on arrays."""
    embedding = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)
    masked_output = embedding(IDS)
    np.testing.assert_array_equal(np.asarray(masked_output._keras_mask), KEEP)
    np.testing.assert_array_equal(np.asarray(embedding.compute_mask(IDS)), KEEP)
    features = np.repeat(IDS[..., None], 3, axis=-1).astype("float32")
    masked = layers.Masking()(features)
    np.testing.assert_array_equal(np.asarray(masked._keras_mask), KEEP)
    # an LSTM called on the masked output skips the padding, as inside a model
    lstm = layers.LSTM(2)
    eager = lstm(masked_output)
    ids = keras.Input((5,), dtype="int32")
    model = keras.Model(ids, lstm(embedding(ids)))
    np.testing.assert_allclose(np.asarray(eager), model.predict(IDS, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(lstm(embedding(IDS[:1, :3]))), np.asarray(eager)[:1], rtol=1e-6)


def test_a_layer_may_pass_a_mask_to_its_sublayers_by_hand():
    """The guide's MyLayer: compute the mask of an Embedding and hand it to an LSTM."""

    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)
            self.lstm = layers.LSTM(3)

        def call(self, inputs):
            x = self.embedding(inputs)
            mask = self.embedding.compute_mask(inputs)
            return self.lstm(x, mask=mask)

    layer = MyLayer()
    padded = layer(IDS)
    short = layer(IDS[:1, :3])
    np.testing.assert_allclose(np.asarray(padded)[:1], np.asarray(short), rtol=1e-6)


def test_a_model_called_with_a_mask_gives_it_to_its_layers():
    x = keras.Input((None, 3))
    model = keras.Model(x, layers.LSTM(2)(x))
    data = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    with_mask = np.asarray(model(data, mask=KEEP))
    np.testing.assert_allclose(with_mask[:1], np.asarray(model(data[:1, :3])), rtol=1e-6)
    assert not np.allclose(with_mask, np.asarray(model(data)))


def test_a_nested_model_drops_the_mask_as_keras_does():
    inner_in = keras.Input((5, 3))
    inner = keras.Model(inner_in, layers.Dense(3)(inner_in))
    ids = keras.Input((5,), dtype="int32")
    with pytest.warns(UserWarning, match="destroy the mask"):
        out = inner(layers.Embedding(10, 3, mask_zero=True)(ids))
    assert out._keras_mask is None


def test_sequential_carries_masks():
    model = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(10, 3, mask_zero=True),
                              layers.LSTM(2, return_sequences=True)])
    np.testing.assert_array_equal(np.asarray(model(IDS)._keras_mask), KEEP)
    assert model.outputs[0]._keras_mask is not None


def test_a_masked_prediction_weighs_the_loss_and_the_metrics():
    rng = np.random.default_rng(0)
    y_true = rng.standard_normal((2, 5, 3)).astype("float32")
    y_pred = keras.ops.convert_to_tensor(rng.standard_normal((2, 5, 3)).astype("float32"))
    y_pred._keras_mask = keras.ops.convert_to_tensor(KEEP)
    per_step = ((y_true - np.asarray(y_pred)) ** 2).mean(-1)
    expected = per_step[KEEP].mean()
    np.testing.assert_allclose(float(keras.losses.MeanSquaredError()(y_true, y_pred)), expected, rtol=1e-6)
    np.testing.assert_allclose(float(keras.losses.MeanSquaredError(reduction="sum")(y_true, y_pred)),
                               per_step[KEEP].sum(), rtol=1e-6)

    class SquaredError(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_pred - y_true), axis=-1)
    np.testing.assert_allclose(float(SquaredError()(y_true, y_pred)), expected, rtol=1e-6)
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(metric.result()), expected, rtol=1e-6)
    weights = np.arange(10, dtype="float32").reshape(2, 5)
    np.testing.assert_allclose(float(keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)),
                               (per_step * weights)[KEEP].sum() / KEEP.sum(), rtol=1e-6)


def test_fit_ignores_the_padding_of_a_masked_model():
    """Changing the targets at padded steps changes neither the loss nor the training."""
    def model_and_loss(targets):
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        ids = keras.Input((5,), dtype="int32")
        x = layers.LSTM(4, return_sequences=True)(layers.Embedding(10, 3, mask_zero=True)(ids))
        model = keras.Model(ids, layers.TimeDistributed(layers.Dense(2))(x))
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(IDS, targets, epochs=2, verbose=0)
        return model, history.history["loss"]

    targets = np.random.default_rng(1).standard_normal((2, 5, 2)).astype("float32")
    noisy = np.where(KEEP[..., None], targets, 100.0).astype("float32")
    (a, loss_a), (b, loss_b) = model_and_loss(targets), model_and_loss(noisy)
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-6)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-6)


def test_a_mask_given_as_a_model_input_reaches_the_layer():
    """mask= with a symbolic tensor is an input of the call: the model passes its values."""
    features, mask = keras.Input((5, 3)), keras.Input((5,), dtype="bool")
    lstm = layers.LSTM(2, return_sequences=True)
    out = lstm(features, mask=mask)
    assert out._keras_mask is mask
    model = keras.Model([features, mask], out)
    data = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    np.testing.assert_allclose(model.predict([data, KEEP], verbose=0), np.asarray(lstm(data, mask=KEEP)), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(model([data, KEEP])._keras_mask), KEEP)


def test_a_mask_given_to_a_layer_whose_call_takes_none_is_an_error():
    """As in Keras (a TypeError there too): the mask is not silently dropped."""
    with pytest.raises(TypeError, match="'dense_1' \\(Dense\\) was called with mask=.*takes no `mask`"):
        layers.Dense(2)(np.ones((2, 5, 3), "float32"), mask=KEEP)


def test_an_eager_call_with_several_tensor_arguments_gets_their_masks_by_name():
    """mha(query, value) on masked tensors: query_mask and value_mask, as in a model."""
    embedding = layers.Embedding(10, 4, mask_zero=True)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    ids = keras.Input((5,), dtype="int32")
    x = embedding(ids)
    model = keras.Model(ids, mha(x, x))
    eager = mha(embedding(IDS), embedding(IDS))
    np.testing.assert_allclose(np.asarray(eager), model.predict(IDS, verbose=0), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(eager._keras_mask), KEEP)
    unmasked = mha(np.asarray(embedding(IDS)), np.asarray(embedding(IDS)))
    assert not np.allclose(np.asarray(unmasked), np.asarray(eager))
