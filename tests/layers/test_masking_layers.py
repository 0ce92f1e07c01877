"""How each layer family treats a mask (Keras 3's rules; outputs against Keras itself are in
``tests/parity/test_masking_parity.py``): merges combine masks, pooling and wrappers use
them, Lambda takes one as an argument, recurrent layers can zero masked steps."""
import numpy as np

import minikeras as keras
from minikeras import layers

KEEP_A = np.array([[True, True, False, False]])
KEEP_B = np.array([[True, False, True, False]])


def _masked(values, keep):
    x = keras.ops.convert_to_tensor(values)
    x._keras_mask = keras.ops.convert_to_tensor(keep)
    return x


def test_elementwise_merges_keep_a_step_any_input_keeps_and_drop_the_mask_if_one_input_has_none():
    a = _masked(np.ones((1, 4, 2), "float32"), KEEP_A)
    b = _masked(np.ones((1, 4, 2), "float32"), KEEP_B)
    np.testing.assert_array_equal(np.asarray(layers.Add()([a, b])._keras_mask), KEEP_A | KEEP_B)
    assert layers.Add()([a, np.ones((1, 4, 2), "float32")])._keras_mask is None


def test_concatenate_widens_each_mask_and_an_unmasked_input_keeps_every_step():
    a = _masked(np.ones((1, 4, 2), "float32"), KEEP_A)
    b = np.ones((1, 4, 3), "float32")
    np.testing.assert_array_equal(np.asarray(layers.Concatenate()([a, b])._keras_mask), np.ones((1, 4), bool))
    on_time = layers.Concatenate(axis=1)([a, _masked(np.ones((1, 4, 2), "float32"), KEEP_B)])
    np.testing.assert_array_equal(np.asarray(on_time._keras_mask), np.concatenate([KEEP_A, KEEP_B], axis=1))


def test_multiply_counts_a_masked_step_as_one():
    a = _masked(np.full((1, 4, 1), 2.0, "float32"), KEEP_A)
    b = np.full((1, 4, 1), 3.0, "float32")
    np.testing.assert_allclose(np.asarray(layers.Multiply()([a, b]))[0, :, 0], [6, 6, 3, 3])


def test_global_average_pooling_1d_averages_the_unmasked_steps():
    x = _masked(np.arange(8, dtype="float32").reshape(1, 4, 2), KEEP_B)
    out = layers.GlobalAveragePooling1D()(x)
    np.testing.assert_allclose(np.asarray(out), [[2.0, 3.0]])   # steps 0 and 2
    assert out._keras_mask is None


def test_lambda_with_a_mask_function_keeps_it_through_its_config():
    layer = layers.Lambda(lambda t: t[:, 1:], mask=lambda inputs, mask: mask[:, 1:])
    assert layer.supports_masking and not layers.Lambda(lambda t: t).supports_masking
    clone = layers.Lambda.from_config(layer.get_config())
    out = clone(_masked(np.ones((1, 4, 2), "float32"), KEEP_A))
    np.testing.assert_array_equal(np.asarray(out._keras_mask), KEEP_A[:, 1:])


def test_lambda_gives_the_mask_to_a_function_that_asks_for_it():
    seen = []
    layer = layers.Lambda(lambda t, mask=None: seen.append(mask) or t)
    layer(_masked(np.ones((1, 4, 2), "float32"), KEEP_A))
    np.testing.assert_array_equal(np.asarray(seen[-1]), KEEP_A)


def test_zero_output_for_mask_is_written_only_when_on():
    assert "zero_output_for_mask" not in layers.LSTM(2).get_config()
    layer = layers.GRU(2, return_sequences=True, zero_output_for_mask=True)
    assert layers.GRU.from_config(layer.get_config()).zero_output_for_mask
    out = np.asarray(layer(_masked(np.ones((1, 4, 3), "float32"), KEEP_A)))
    np.testing.assert_array_equal(out[0, 2:], 0)
    assert np.all(out[0, :2] != 0)


def test_bidirectional_without_merge_mode_gives_each_direction_the_mask():
    x = keras.Input((4, 3))
    masked = layers.Masking()(x)
    forward, backward = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None)(masked)
    assert forward._keras_mask is masked._keras_mask and backward._keras_mask is masked._keras_mask
    last = layers.Bidirectional(layers.LSTM(2))(masked)
    assert last._keras_mask is None
