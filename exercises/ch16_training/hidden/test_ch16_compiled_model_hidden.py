import warnings

import numpy as np
import pytest

import minikeras as keras

from probes_ch16 import train_new_model


@pytest.mark.exercise("ch16.compiled_model", points=1, timeout=90)
def test_batches_of_64_and_a_20_percent_validation_split():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x, y), _ = keras.datasets.mnist.load_data()
    x = x[:500].reshape(-1, 784).astype("float32") / 255
    y = y[:500]
    # train(get_model(), ...) runs next to your code with a batch counter added to fit
    # (probes_ch16.py); the trained model's optimizer counts its steps too.
    got = train_new_model(x, y, epochs=2, seed=1, count_batches=True)
    assert got["steps"] == 2 * 7        # 400 training samples in batches of 64
    model, history = got["model"], got["history"]
    assert int(np.asarray(model.optimizer.iterations)) == 2 * 7
    assert len(history["val_loss"]) == 2
    val_loss, _ = model.evaluate(x[400:], y[400:], verbose=0)   # the last 20% is validation
    np.testing.assert_allclose(val_loss, history["val_loss"][-1], rtol=1e-4)
