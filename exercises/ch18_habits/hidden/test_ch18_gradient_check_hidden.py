import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

from gradient_check import check_gradient


@pytest.mark.exercise("ch18.gradient_check", points=1)
def test_layers_and_a_subtly_wrong_op():
    x = np.random.default_rng(3).normal(size=(5, 4))
    dense = layers.Dense(3, activation="sigmoid", dtype="float64")
    dense.build((None, 4))
    assert check_gradient(lambda t: dense(t), x) < 1e-6
    assert check_gradient(lambda t: ops.softmax(t), x, seed=4) < 1e-6

    def slightly_wrong_square(t):
        def forward(a):
            return a * a, lambda g: (g * 2.02 * a,)
        return ops.apply(forward, t)

    assert check_gradient(slightly_wrong_square, x) > 1e-3
