"""Losses: Keras's documented values, hand-written gradients against finite differences,
reductions and sample weights, numerical safety, and clear errors."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import losses, ops
from tests.conftest import numeric_gradient


def test_keras_documented_values():
    y_true = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    np.testing.assert_allclose(losses.categorical_crossentropy(y_true, y_pred).numpy(), [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(np.array([1, 2]), y_pred).numpy(),
                               [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(
        losses.binary_crossentropy([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]).numpy(), [0.916, 0.714],
        atol=1e-3)
    # Keras docstring: MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [1, 0]]) == 0.5
    assert float(losses.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])) == 0.5
    assert float(losses.MeanAbsoluteError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])) == 0.5
    assert float(losses.Huber()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])) == pytest.approx(0.155)
    assert float(losses.Hinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])) == pytest.approx(1.3)
    assert float(losses.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])) \
        == pytest.approx(-0.5, abs=1e-6)


def test_loss_classes_reduce_with_sample_weights_like_keras():
    y_true = np.array([[0.0, 1.0], [0.0, 0.0]], "float32")
    y_pred = np.array([[1.0, 1.0], [1.0, 0.0]], "float32")
    mse = losses.MeanSquaredError()
    assert float(mse(y_true, y_pred, sample_weight=[0.7, 0.3])) == pytest.approx(0.25)  # Keras docstring
    assert float(losses.MeanSquaredError(reduction="sum")(y_true, y_pred)) == pytest.approx(1.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=None)(y_true, y_pred).numpy(), [0.5, 0.5])
    weighted_mean = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert float(weighted_mean(y_true, y_pred, sample_weight=[3.0, 1.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


CASES = [
    (losses.MeanSquaredError(), "real"),
    (losses.MeanAbsoluteError(), "real"),
    (losses.MeanAbsolutePercentageError(), "positive"),
    (losses.MeanSquaredLogarithmicError(), "positive"),
    (losses.Huber(delta=0.5), "real"),
    (losses.LogCosh(), "real"),
    (losses.Poisson(), "positive"),
    (losses.KLDivergence(), "prob"),
    (losses.Hinge(), "binary"),
    (losses.SquaredHinge(), "binary"),
    (losses.CategoricalHinge(), "onehot"),
    (losses.CosineSimilarity(), "real"),
    (losses.BinaryCrossentropy(), "binary"),
    (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), "binary_logits"),
    (losses.CategoricalCrossentropy(), "onehot"),
    (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), "onehot_logits"),
    (losses.CategoricalCrossentropy(axis=1), "onehot3d"),
    (losses.SparseCategoricalCrossentropy(), "sparse"),
    (losses.SparseCategoricalCrossentropy(from_logits=True), "sparse_logits"),
]


def _case_data(kind, rng):
    shape = (4, 3)
    if kind == "real":
        return rng.normal(size=shape), rng.normal(size=shape)
    if kind == "positive":
        return rng.random(shape) + 0.5, rng.random(shape) + 0.5
    if kind == "prob":
        p = rng.random(shape) + 0.2
        return rng.dirichlet(np.ones(3), size=4), p / p.sum(1, keepdims=True) * 0.9
    if kind in ("binary", "binary_logits"):
        pred = rng.random(shape) * 0.8 + 0.1 if kind == "binary" else rng.normal(size=shape) * 3
        return rng.integers(2, size=shape).astype(float), pred
    if kind in ("onehot", "onehot_logits"):
        pred = rng.random(shape) + 0.1 if kind == "onehot" else rng.normal(size=shape) * 3
        return np.eye(3)[rng.integers(3, size=4)], pred
    if kind == "onehot3d":
        return np.eye(3)[rng.integers(3, size=(2, 2))].transpose(0, 2, 1), rng.random((2, 3, 2)) + 0.1
    pred = rng.random(shape) + 0.1 if kind == "sparse" else rng.normal(size=shape) * 3
    return rng.integers(3, size=(4, 1)), pred


@pytest.mark.parametrize("loss,kind", CASES, ids=[f"{type(l).__name__}-{k}" for l, k in CASES])
def test_hand_written_gradients_match_finite_differences(loss, kind, float64):
    rng = np.random.default_rng(0)
    y_true, y_pred = _case_data(kind, rng)
    weights = rng.random(y_pred.shape[0]) + 0.5
    pred = ops.convert_to_tensor(y_pred.copy())

    def value():
        return float(loss(y_true, pred.value, sample_weight=weights))

    with ops.GradientTape() as tape:
        tape.watch(pred)
        out = loss(y_true, pred, sample_weight=weights)
    grad = tape.gradient(out, pred).numpy()
    np.testing.assert_allclose(grad, numeric_gradient(value, pred.value), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.huber, losses.categorical_crossentropy,
                                losses.kl_divergence, losses.cosine_similarity])
def test_gradient_flows_into_y_true_when_it_is_a_model_output(fn, float64):
    rng = np.random.default_rng(1)
    a = ops.convert_to_tensor(rng.random((3, 4)) + 0.1)
    b = rng.random((3, 4)) + 0.1
    with ops.GradientTape() as tape:
        tape.watch(a)
        out = ops.sum(fn(a, b))
    grad = tape.gradient(out, a).numpy()
    np.testing.assert_allclose(grad, numeric_gradient(lambda: float(np.sum(fn(a.value, b).numpy())), a.value),
                               rtol=1e-5, atol=1e-7)


def test_crossentropy_of_saturated_predictions_stays_finite():
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    saturated = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    for loss in (losses.BinaryCrossentropy(), losses.CategoricalCrossentropy(), losses.KLDivergence()):
        pred = ops.convert_to_tensor(saturated)
        with ops.GradientTape() as tape:
            tape.watch(pred)
            value = loss(y_true, pred)
        assert np.isfinite(float(value)) and float(value) > 5
        assert np.all(np.isfinite(tape.gradient(value, pred).numpy()))
    huge_logits = np.array([[1e4, -1e4], [-1e4, 1e4]], "float32")
    for loss in (losses.BinaryCrossentropy(from_logits=True), losses.CategoricalCrossentropy(from_logits=True),
                 losses.SparseCategoricalCrossentropy(from_logits=True)):
        target = np.array([1, 0]) if isinstance(loss, losses.SparseCategoricalCrossentropy) else 1 - y_true
        value = float(loss(target, huge_logits))
        assert np.isfinite(value) and value > 1e3


def test_sparse_labels_out_of_range_or_fractional_are_clear_errors():
    pred = np.full((2, 3), 1 / 3, "float32")
    with pytest.raises(ValueError, match=r"label value 3 .*\[0, 3\)"):
        losses.sparse_categorical_crossentropy(np.array([0, 3]), pred)
    with pytest.raises(ValueError, match="label value -1"):
        losses.SparseCategoricalCrossentropy()(np.array([-1, 0]), pred)
    with pytest.raises(ValueError, match="integer class ids"):
        losses.sparse_categorical_crossentropy(np.array([0.5, 1.0]), pred)
    with pytest.raises(ValueError, match="ignore_class"):
        losses.SparseCategoricalCrossentropy(ignore_class=0)


def test_labels_of_shape_n_against_predictions_n_by_1():
    y = np.array([0.0, 1.0, 1.0], "float32")
    p = np.array([[0.2], [0.7], [0.9]], "float32")
    assert float(losses.MeanSquaredError()(y, p)) == pytest.approx(np.mean((y - p[:, 0]) ** 2))
    assert float(losses.BinaryCrossentropy()(y, p)) == pytest.approx(
        -np.mean(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0])), rel=1e-6)


def test_custom_loss_class_and_function_differentiate_through_the_tape():
    class Quartic(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.square(ops.square(y_pred - y_true)), axis=-1)

    def quartic(y_true, y_pred):
        return ops.mean(ops.square(ops.square(y_pred - y_true)), axis=-1)

    y_true = np.zeros((2, 2), "float32")
    pred = ops.convert_to_tensor(np.array([[1.0, 2.0], [0.5, -1.0]], "float32"))
    for loss in (Quartic(), losses.LossFunctionWrapper(quartic)):
        with ops.GradientTape() as tape:
            tape.watch(pred)
            value = loss(y_true, pred)
        assert float(value) == pytest.approx((1 + 16 + 0.0625 + 1) / 4)
        np.testing.assert_allclose(tape.gradient(value, pred).numpy(), 4 * pred.value ** 3 / 4)


def test_get_resolves_names_aliases_and_rejects_unknown_ones():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("kullback_leibler_divergence") is losses.kl_divergence
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    config = losses.serialize(losses.Huber(delta=2.0))
    assert losses.deserialize(config).get_config()["delta"] == 2.0
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'mean_sqared_error'"):
        losses.get("mean_sqared_error")


def test_loss_names_are_keras_names():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert keras.losses.KLDivergence().name == "kl_divergence"


# ----------------------------------------------------------------------------- focal and overlap losses

def test_focal_losses_reduce_to_cross_entropy_without_focusing():
    rng_ = np.random.default_rng(3)
    y = rng_.integers(0, 2, (5, 3)).astype("float32")
    p = rng_.uniform(0.05, 0.95, (5, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(losses.binary_focal_crossentropy(y, p, gamma=0.0)),
                               np.asarray(losses.binary_crossentropy(y, p)), rtol=1e-5)
    onehot = np.eye(3, dtype="float32")[[0, 2, 1, 1, 0]]
    probs = p / p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(losses.categorical_focal_crossentropy(onehot, probs, alpha=1.0, gamma=0.0)),
                               np.asarray(losses.categorical_crossentropy(onehot, probs)), rtol=1e-5)
    # confident, correct predictions count much less than under plain cross-entropy
    easy = np.asarray(losses.binary_focal_crossentropy(np.ones((1, 1)), np.full((1, 1), 0.95)))
    assert easy[0] < 0.01 * np.asarray(losses.binary_crossentropy(np.ones((1, 1)), np.full((1, 1), 0.95)))[0]


def test_dice_and_tversky():
    mask = np.array([[1, 1, 0, 0]], dtype="float32")
    assert float(np.asarray(losses.dice(mask, mask))) == pytest.approx(0.0, abs=1e-6)
    assert float(np.asarray(losses.dice(mask, 1 - mask))) == pytest.approx(1.0)
    p = np.array([[0.9, 0.4, 0.2, 0.1]], dtype="float32")
    np.testing.assert_allclose(np.asarray(losses.tversky(mask, p)), np.asarray(losses.dice(mask, p)), rtol=1e-6)
    # alpha weighs the true mass the prediction misses: raising it raises the loss here
    assert float(np.asarray(losses.tversky(mask, p, alpha=0.9, beta=0.1))) > float(np.asarray(losses.dice(mask, p)))
    assert isinstance(losses.get("Dice"), losses.Dice) and losses.get("tversky") is losses.tversky


def test_focal_loss_gradient_matches_finite_differences(float64):
    y = np.array([[1.0, 0.0, 1.0]])
    logits = np.array([[0.3, -1.2, 2.0]])
    loss = losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True)
    t = ops.convert_to_tensor(logits)
    with ops.GradientTape() as tape:
        tape.watch(t)
        value = loss(y, t)
    numeric = numeric_gradient(lambda: float(np.asarray(loss(y, logits))), logits)
    np.testing.assert_allclose(np.asarray(tape.gradient(value, t)), numeric, atol=1e-7)
