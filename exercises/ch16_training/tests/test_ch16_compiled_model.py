import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch16 import compiled_get_model, train_new_model


def mnist(n_train, n_test):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x, y), (xt, yt) = keras.datasets.mnist.load_data()
    x = x[:n_train].reshape(-1, 784).astype("float32") / 255
    xt = xt[:n_test].reshape(-1, 784).astype("float32") / 255
    return x, y[:n_train], xt, yt[:n_test]


@pytest.mark.exercise("ch16.compiled_model", points=1)
def test_architecture():
    model = compiled_get_model()     # get_model(), made ready to travel (probes_ch16.py)
    assert model.name == "mnist_model" and model.input_names == ["img"]
    assert model.count_params() == 55050          # what Keras reports
    dense = [l for l in model.layers if isinstance(l, layers.Dense)]
    assert [d.units for d in dense] == [64, 64, 10]
    assert dense[-1].activation.__name__ == "softmax"


@pytest.mark.exercise("ch16.compiled_model", points=1)
def test_compiled_with_sparse_crossentropy_rmsprop_and_accuracy():
    model = compiled_get_model()
    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    rng = np.random.default_rng(0)
    x = rng.random((20, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=20)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert model.metrics_names == ["loss", "accuracy"]
    p = model.predict(x, verbose=0)
    np.testing.assert_allclose(loss, float(keras.losses.SparseCategoricalCrossentropy()(y, p)), rtol=1e-4)
    np.testing.assert_allclose(accuracy, np.mean(p.argmax(axis=1) == y), atol=1e-6)


@pytest.mark.exercise("ch16.compiled_model", points=1, timeout=90)
def test_training_learns_digits():
    x, y, _, _ = mnist(2000, 0)
    # train(get_model(), ...) runs next to your code (probes_ch16.py); the trained model
    # comes back and is checked here on the validation part (the last 20%).
    got = train_new_model(x, y, epochs=3, seed=0)
    history, model = got["history"], got["model"]
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 3
    assert history["val_accuracy"][-1] > 0.75
    val_loss, val_accuracy = model.evaluate(x[1600:], y[1600:], verbose=0)
    assert val_accuracy > 0.75
    np.testing.assert_allclose([val_loss, val_accuracy], [history["val_loss"][-1], history["val_accuracy"][-1]],
                               rtol=1e-4)
