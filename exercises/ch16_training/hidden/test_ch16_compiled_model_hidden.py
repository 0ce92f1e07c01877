import warnings

import numpy as np
import pytest

import minikeras as keras

from compiled_model import get_model, train


@pytest.mark.exercise("ch16.compiled_model", points=1, timeout=90)
def test_batches_of_64_and_a_20_percent_validation_split():
    keras.utils.set_random_seed(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x, y), _ = keras.datasets.mnist.load_data()
    x = x[:500].reshape(-1, 784).astype("float32") / 255
    y = y[:500]

    class CountBatches(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.steps = 0

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1

    counter = CountBatches()
    model = get_model()
    original_fit = model.fit

    def fit_with_counter(*args, **kwargs):
        kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [counter]
        return original_fit(*args, **kwargs)

    model.fit = fit_with_counter
    history = train(model, x, y, epochs=2)
    assert counter.steps == 2 * 7        # 400 training samples in batches of 64
    assert len(history.history["val_loss"]) == 2
