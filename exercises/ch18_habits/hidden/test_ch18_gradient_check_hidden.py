import numpy as np
import pytest

from minikeras import layers

from probes_ch18 import check_gradient_of


@pytest.mark.exercise("ch18.gradient_check", points=1)
def test_layers_and_a_subtly_wrong_op():
    x = np.random.default_rng(3).normal(size=(5, 4))
    dense = layers.Dense(3, activation="sigmoid", dtype="float64")
    dense.build((None, 4))
    # The functions are recorded on your tape next to your code (probes_ch18.py).
    assert check_gradient_of("dense_sigmoid", x, dense.get_weights()) < 1e-6
    assert check_gradient_of("softmax", x, seed=4) < 1e-6
    assert check_gradient_of("slightly_wrong_square", x) > 1e-3
