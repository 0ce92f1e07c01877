import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from train_loop import train_epoch, train_step


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
    train_step(mine, keras.optimizers.SGD(0.5, momentum=0.9),
               keras.losses.SparseCategoricalCrossentropy(), x, y)
    for a, b in zip(mine.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, b) for a, b in zip(mine.get_weights(), initial)), "no weight moved"


@pytest.mark.exercise("ch16.train_step", points=1)
def test_returns_the_loss_before_the_update():
    mine, reference = twin_models(mlp)
    reference.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    x, y = data(10, 1)
    optimizer = keras.optimizers.Adam(0.01)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    for _ in range(3):
        want = reference.train_on_batch(x, y)
        got = train_step(mine, optimizer, loss_fn, x, y)
        assert isinstance(got, float)
        np.testing.assert_allclose(got, want, rtol=1e-5)


@pytest.mark.exercise("ch16.train_step", points=1)
def test_an_epoch_is_fit_without_shuffling():
    mine, reference = twin_models(mlp)
    reference.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    x, y = data(50, 2)
    reference.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    losses = train_epoch(mine, keras.optimizers.RMSprop(0.01), keras.losses.SparseCategoricalCrossentropy(),
                         x, y, batch_size=16)
    assert len(losses) == 4            # 16 + 16 + 16 + 2
    for a, b in zip(mine.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
