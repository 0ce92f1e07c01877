import numpy as np
import pytest

import minikeras as keras
from minikeras.layers import Dense, Input
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


@pytest.mark.exercise("ch09.losses", points=1, forbid=FORBID_LOSSES)
def test_losses_match_the_kernels_on_float64_and_3d():
    rng = np.random.default_rng(3)
    y_true = rng.dirichlet(np.ones(5), size=(4, 6))
    y_pred = rng.dirichlet(np.ones(5), size=(4, 6)) * 3.0     # not normalised
    y_pred[0, 0] = [1.0, 0.0, 0.0, 0.0, 0.0]
    expected, _ = loss_kernels.categorical_crossentropy_values(y_true, y_pred)
    np.testing.assert_allclose(categorical_crossentropy(y_true, y_pred), expected, rtol=1e-10)
    expected, _ = loss_kernels.mean_squared_error_values(y_true, y_pred)
    np.testing.assert_allclose(mean_squared_error(y_true, y_pred), expected, rtol=1e-12)


@pytest.mark.exercise("ch09.total_loss", points=1)
def test_matches_evaluate_of_a_class_and_box_model_with_dicts():
    keras.utils.set_random_seed(1)
    inputs = Input(shape=(6,))
    x = Dense(8, activation="relu")(inputs)
    model = Model(inputs, [Dense(3, activation="softmax", name="class")(x), Dense(4, activation="sigmoid", name="bbox")(x)])
    model.compile(optimizer="adam", loss={"class": "categorical_crossentropy", "bbox": "mse"},
                  loss_weights={"class": 1.0, "bbox": 10.0})
    rng = np.random.default_rng(4)
    x = rng.normal(size=(10, 6)).astype(np.float32)
    y_cls = keras.utils.to_categorical(rng.integers(0, 3, 10), 3).astype(np.float32)
    y_box = rng.random((10, 4)).astype(np.float32)
    expected = model.evaluate(x, {"class": y_cls, "bbox": y_box}, batch_size=10, verbose=0)
    total, per_output = total_loss([y_cls, y_box], model.predict(x, verbose=0),
                                   [lambda t, p: loss_kernels.categorical_crossentropy_values(t, p)[0],
                                    lambda t, p: loss_kernels.mean_squared_error_values(t, p)[0]], [1.0, 10.0])
    np.testing.assert_allclose([total] + list(per_output), expected, rtol=1e-4)
