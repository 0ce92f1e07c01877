"""ch03.adam_update: checked against minikeras.optimizers.Adam and its numpy reference."""
import numpy as np
import pytest

from minikeras import optimizers
from minikeras.optimizers import kernels as optimizer_kernels
from minikeras.ops.tensor import Variable

from adam_step import adam_update
from probes_ch03 import adam_update_and_its_arguments

# minikeras's Adam (its kernel and the optimizer): a submission that uses them fails
FORBID_ADAM = [
    "minikeras.optimizers.kernels.adam",
    "minikeras.optimizers.kernels.adam_reference",
    "minikeras.optimizers.Adam",
    "minikeras.optimizers.adam.Adam",
]


def gradients(seed, steps, shape):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(np.float32) for _ in range(steps)]


@pytest.mark.exercise("ch03.adam_update", points=1, forbid=FORBID_ADAM)
def test_first_step_matches_minikeras_adam():
    w0 = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -0.25]], np.float32)
    (g,) = gradients(0, 1, w0.shape)
    var = Variable(w0.copy(), name="w")
    optimizers.Adam(learning_rate=0.1).apply([g], [var])
    w, m, v = adam_update(w0, g, np.zeros_like(w0), np.zeros_like(w0), 1, learning_rate=0.1)
    assert w.shape == w0.shape
    np.testing.assert_allclose(w, np.asarray(var.value), rtol=1e-5, atol=1e-6)


@pytest.mark.exercise("ch03.adam_update", points=1, forbid=FORBID_ADAM)
def test_five_steps_match_minikeras_adam_and_its_moments():
    w0 = np.linspace(-1, 1, 6).astype(np.float32)
    var = Variable(w0.copy(), name="w")
    opt = optimizers.Adam(learning_rate=0.01)
    w, m, v = w0, np.zeros_like(w0), np.zeros_like(w0)
    ref_w, ref_m, ref_v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(gradients(1, 5, w0.shape), start=1):
        opt.apply([g], [var])
        w, m, v = adam_update(w, g, m, v, t, learning_rate=0.01)
        alpha = 0.01 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        optimizer_kernels.adam_reference(ref_w, g, ref_m, ref_v, np.zeros(0, np.float32), alpha, 0.9, 0.999, 1e-7)
        np.testing.assert_allclose(w, np.asarray(var.value), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(m, ref_m, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(v, ref_v, rtol=1e-5, atol=1e-9)


@pytest.mark.exercise("ch03.adam_update", points=1, forbid=FORBID_ADAM)
def test_arguments_are_not_modified():
    w0 = np.ones(4, np.float32)
    g = np.array([1.0, -1.0, 0.5, 0.0], np.float32)
    m0 = np.full(4, 0.1, np.float32)
    v0 = np.full(4, 0.2, np.float32)
    copies = [a.copy() for a in (w0, g, m0, v0)]
    (w, m, v), after = adam_update_and_its_arguments(w0, g, m0, v0, 3)  # as adam_update left them
    for original, copy in zip(after, copies):
        np.testing.assert_array_equal(original, copy)
    assert not np.allclose(w, w0)
