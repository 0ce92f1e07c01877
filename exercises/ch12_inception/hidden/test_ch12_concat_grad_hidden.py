import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops

from concat_grad import concat_backward

# the tape (the tests' reference): a submission that uses them fails
FORBID_CONCAT_GRAD = [
    "minikeras.GradientTape",
    "minikeras.ops.GradientTape",
    "minikeras.ops.tape.GradientTape",
]


@pytest.mark.exercise("ch12.concat_grad", points=1, forbid=FORBID_CONCAT_GRAD)
def test_other_axis_and_a_single_input():
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=(3, n, 2)).astype("float32") for n in (1, 4, 2)]
    dy = rng.normal(size=(3, 7, 2)).astype("float32")
    tensors = [ops.convert_to_tensor(x) for x in xs]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = layers.Concatenate(axis=1)(tensors)
    want = tape.gradient(y, tensors, output_gradients=dy)
    got = concat_backward(dy, [1, 4, 2], axis=1)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w.numpy())
    (only,) = concat_backward(dy, [2], axis=2)
    np.testing.assert_array_equal(only, dy)
