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


def tape_split(xs, dy, axis):
    tensors = [ops.convert_to_tensor(x) for x in xs]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = layers.Concatenate(axis=axis)(tensors)
    return [g.numpy() for g in tape.gradient(y, tensors, output_gradients=dy)]


@pytest.mark.exercise("ch12.concat_grad", points=1, forbid=FORBID_CONCAT_GRAD)
def test_four_branches_along_the_channels():
    rng = np.random.default_rng(0)
    channels = [8, 16, 4, 4]
    xs = [rng.normal(size=(2, 5, 5, c)).astype("float32") for c in channels]
    dy = rng.normal(size=(2, 5, 5, sum(channels))).astype("float32")
    want = tape_split(xs, dy, -1)
    got = concat_backward(dy, channels)
    assert len(got) == 4
    for g, w in zip(got, want):
        assert np.shape(g) == w.shape
        np.testing.assert_array_equal(g, w)
