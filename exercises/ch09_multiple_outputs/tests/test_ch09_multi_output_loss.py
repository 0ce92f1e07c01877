"""ch09.losses and ch09.total_loss: checked against minikeras.losses and against what
minikeras's Model.evaluate reports for a compiled two-output model."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import losses
from minikeras.layers import LSTM, Dense, Input, TimeDistributed
from minikeras.losses import kernels as loss_kernels
from minikeras.models import Model

from multi_output_loss import categorical_crossentropy, mean_squared_error, total_loss

# minikeras's own losses: a submission that uses them fails
FORBID_LOSSES = [
    "minikeras.losses.mean_squared_error",
    "minikeras.losses.losses.mean_squared_error",
    "minikeras.losses.mse",
    "minikeras.losses.MSE",
    "minikeras.losses.kernels.mean_squared_error_values",
    "minikeras.losses.MeanSquaredError",
    "minikeras.losses.losses.MeanSquaredError",
    "minikeras.metrics.mean_squared_error",
    "minikeras.metrics.loss_metrics.mean_squared_error",
    "minikeras.metrics.mse",
    "minikeras.metrics.MSE",
    "minikeras.losses.categorical_crossentropy",
    "minikeras.losses.losses.categorical_crossentropy",
    "minikeras.losses.kernels.categorical_crossentropy_values",
    "minikeras.losses.CategoricalCrossentropy",
    "minikeras.losses.losses.CategoricalCrossentropy",
    "minikeras.metrics.categorical_crossentropy",
    "minikeras.metrics.loss_metrics.categorical_crossentropy",
]


def minikeras_loss(name):
    """A per-sample NumPy loss function from minikeras's loss kernels (not yours)."""
    compute = getattr(loss_kernels, f"{name}_values")
    return lambda y_true, y_pred: compute(np.asarray(y_true, np.float32), np.asarray(y_pred, np.float32))[0]


@pytest.mark.exercise("ch09.losses", points=1, forbid=FORBID_LOSSES)
def test_mean_squared_error():
    rng = np.random.default_rng(0)
    for shape in [(6, 1), (4, 3), (2, 100, 1)]:
        y_true, y_pred = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
        values = mean_squared_error(y_true, y_pred)
        assert values.shape == shape[:-1]
        np.testing.assert_allclose(values, np.asarray(losses.mean_squared_error(y_true, y_pred)), rtol=1e-5)


@pytest.mark.exercise("ch09.losses", points=1, forbid=FORBID_LOSSES)
def test_categorical_crossentropy_of_softmax_outputs():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(8, 10))
    y_pred = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(np.float32)
    y_true = keras.utils.to_categorical(rng.integers(0, 10, size=8), 10).astype(np.float32)
    values = categorical_crossentropy(y_true, y_pred)
    assert values.shape == (8,)
    np.testing.assert_allclose(values, np.asarray(losses.categorical_crossentropy(y_true, y_pred)), rtol=1e-5)


@pytest.mark.exercise("ch09.losses", points=1, forbid=FORBID_LOSSES)
def test_categorical_crossentropy_rescales_and_clips():
    y_true = np.array([[0, 1, 0], [1, 0, 0], [0.2, 0.3, 0.5]], np.float32)
    y_pred = np.array([[2.0, 1.0, 1.0], [0.0, 0.5, 0.5], [0.1, 0.1, 0.2]], np.float32)
    values = categorical_crossentropy(y_true, y_pred)
    assert np.all(np.isfinite(values))
    np.testing.assert_allclose(values, np.asarray(losses.categorical_crossentropy(y_true, y_pred)), rtol=1e-5)


@pytest.mark.exercise("ch09.total_loss", points=1)
def test_weighted_sum_by_hand():
    y_trues = [np.array([[1.0], [0.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])]
    y_preds = [np.array([[0.0], [0.0]]), np.array([[1.0, 2.0], [3.0, 6.0]])]
    fn = minikeras_loss("mean_squared_error")
    total, per_output = total_loss(y_trues, y_preds, [fn, fn], [1.0, 0.25])
    np.testing.assert_allclose(per_output, [0.5, 1.0], rtol=1e-6)
    np.testing.assert_allclose(total, 0.75, rtol=1e-6)
    total, _ = total_loss(y_trues, y_preds, [fn, fn])
    np.testing.assert_allclose(total, 1.5, rtol=1e-6)


@pytest.mark.exercise("ch09.total_loss", points=2)
def test_matches_model_evaluate_for_the_chapter_kind_of_model():
    keras.utils.set_random_seed(0)
    visible = Input(shape=(12, 1))
    extract = LSTM(4, return_sequences=True)(visible)
    output1 = Dense(1, activation="sigmoid")(LSTM(3)(extract))
    output2 = TimeDistributed(Dense(1))(extract)
    model = Model(visible, [output1, output2])
    model.compile(optimizer="adam", loss=["binary_crossentropy", "mse"], loss_weights=[1.0, 0.3])
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 12, 1)).astype(np.float32)
    y_class = rng.integers(0, 2, size=(16, 1)).astype(np.float32)
    y_seq = rng.normal(size=(16, 12, 1)).astype(np.float32)
    expected = model.evaluate(x, [y_class, y_seq], batch_size=16, verbose=0)
    total, per_output = total_loss([y_class, y_seq], model.predict(x, verbose=0),
                                   [minikeras_loss("binary_crossentropy"), minikeras_loss("mean_squared_error")],
                                   [1.0, 0.3])
    np.testing.assert_allclose([total] + list(per_output), expected, rtol=1e-4)
