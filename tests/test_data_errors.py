"""Data mistakes caught at fit/evaluate/predict, with messages naming the input or output."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def _model():
    x = keras.Input((4,), name="features")
    model = keras.Model(x, layers.Dense(3, activation="softmax", name="label")(x))
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


def test_nan_in_the_input_is_refused_before_training():
    x = np.random.rand(8, 4).astype("float32")
    x[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"'features'.*NaN or infinite.*\(5, 2\)"):
        _model().fit(x, np.zeros(8, "int64"), verbose=0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        _model().predict(np.full((2, 4), np.inf))


def test_inf_in_the_targets_is_refused():
    x = keras.Input((2,))
    model = keras.Model(x, layers.Dense(1, name="out")(x))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"Targets for output 'out'.*NaN or infinite"):
        model.fit(np.ones((3, 2)), np.array([[1.0], [np.inf], [0.0]]), verbose=0)


def test_sparse_labels_out_of_range_name_the_output():
    with pytest.raises(ValueError, match="label"):
        _model().fit(np.ones((4, 4)), np.array([0, 1, 2, 3]), verbose=0)


def test_x_and_y_lengths_must_match():
    with pytest.raises(ValueError, match="(?i)samples|length"):
        _model().fit(np.ones((4, 4)), np.zeros(5, "int64"), verbose=0)


def test_wrong_feature_size_at_fit():
    with pytest.raises(ValueError, match=r"'features'.*\(None, 4\).*\(4, 5\)"):
        _model().fit(np.ones((4, 5)), np.zeros(4, "int64"), verbose=0)


@pytest.mark.filterwarnings("ignore:overflow")
def test_diverging_run_is_reported_and_stopped():
    x = keras.Input((1,))
    model = keras.Model(x, layers.Dense(1)(x))
    model.compile(keras.optimizers.SGD(learning_rate=1e3), "mse")
    data = np.linspace(-100, 100, 64).reshape(-1, 1).astype("float32")
    history = model.fit(data, data * 3, epochs=50, batch_size=8, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) < 50
    assert not np.isfinite(history.history["loss"][-1])
