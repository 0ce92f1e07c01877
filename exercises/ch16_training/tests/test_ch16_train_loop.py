import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch16 import run_train_epoch, run_train_steps


def twin_models(build):
    """Two models with the same architecture and the same initial weights."""
    a, b = build(), build()
    b.set_weights(a.get_weights())
    return a, b


def mlp():
    inputs = keras.Input(shape=(6,))
    x = layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(3, activation="softmax")(x))


def data(n, seed):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6), dtype=np.float32), rng.integers(0, 3, size=n)


@pytest.mark.exercise("ch16.train_step", points=1)
def test_one_step_changes_the_weights_like_train_on_batch():
    mine, reference = twin_models(mlp)
    reference.compile(optimizer=keras.optimizers.SGD(0.5, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
    x, y = data(16, 0)
    initial = mine.get_weights()
    reference.train_on_batch(x, y)
    # train_step runs next to your code with SGD(0.5, momentum=0.9) and
    # SparseCategoricalCrossentropy() made there (probes_ch16.py); the model comes back.
    mine = run_train_steps(mine, ("sgd", {"learning_rate": 0.5, "momentum": 0.9}),
                           "sparse_categorical_crossentropy", x, y)["model"]
    for a, b in zip(mine.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, b) for a, b in zip(mine.get_weights(), initial)), "no weight moved"


@pytest.mark.exercise("ch16.train_step", points=1)
def test_returns_the_loss_before_the_update():
    mine, reference = twin_models(mlp)
    reference.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    x, y = data(10, 1)
    want = [reference.train_on_batch(x, y) for _ in range(3)]
    # three steps with one Adam(0.01), made next to your code (probes_ch16.py)
    got = run_train_steps(mine, ("adam", {"learning_rate": 0.01}), "sparse_categorical_crossentropy", x, y,
                          steps=3)
    assert len(got["losses"]) == 3
    for g, w in zip(got["losses"], want):
        assert isinstance(g, float)
        np.testing.assert_allclose(g, w, rtol=1e-5)
    for a, b in zip(got["model"].get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch16.train_step", points=1)
def test_an_epoch_is_fit_without_shuffling():
    mine, reference = twin_models(mlp)
    reference.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    x, y = data(50, 2)
    reference.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    got = run_train_epoch(mine, ("rmsprop", {"learning_rate": 0.01}), "sparse_categorical_crossentropy", x, y,
                          batch_size=16)
    assert len(got["losses"]) == 4            # 16 + 16 + 16 + 2
    for a, b in zip(got["model"].get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
