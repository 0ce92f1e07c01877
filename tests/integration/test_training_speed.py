"""A training step of the seed-000 MLP (10-10-20-10-1, batch 32, RMSprop, MSE) stays cheap.

The benchmark target is 0.32 ms per ``train_on_batch`` (PyTorch eager on this machine, see
shared/reference/performance.md); it measured about 0.17 ms with the machine fully loaded.
This test only guards against gross regressions (per-step re-validation, rebuilt lists...)
with a bound loose enough for a busy CI machine; the number itself is printed with -s.
"""
import time

import numpy as np

import minikeras as keras
from minikeras import layers


def test_mlp_train_on_batch_median_time():
    inputs = keras.Input((10,))
    x = layers.Dense(10, activation="relu")(inputs)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dense(10, activation="relu")(x)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="rmsprop", loss="mse")
    rng = np.random.default_rng(0)
    data, targets = rng.random((32, 10), dtype=np.float32), rng.random((32, 1), dtype=np.float32)
    for _ in range(50):
        model.train_on_batch(data, targets)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        model.train_on_batch(data, targets)
        times.append(time.perf_counter() - start)
    median_ms = float(np.median(times)) * 1e3
    print(f"MLP 10-10-20-10-1 train_on_batch, batch 32: median {median_ms:.3f} ms")
    assert median_ms < 1.0
