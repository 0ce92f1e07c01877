import numpy as np
import pytest

from probes_ch15 import mixed_model


def numpy_mixed_model(weights, x):
    """Conv1D (valid padding, no activation) then the chapter's loop, in NumPy."""
    kernel, bias, w1, b1, w2, b2, wc, bc = weights
    width = kernel.shape[0]
    steps = x.shape[1] - width + 1
    conv = np.stack([np.einsum("bkc,kcf->bf", x[:, t:t + width], kernel) for t in range(steps)], axis=1) + bias
    state = np.zeros((x.shape[0], w1.shape[1]), np.float32)
    features = []
    for t in range(steps):
        state = np.tanh(conv[:, t] @ w1 + b1) + np.tanh(state @ w2 + b2)
        features.append(state)
    return 1 / (1 + np.exp(-(np.stack(features, axis=1) @ wc + bc)))


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_other_sizes_and_predict():
    batch = np.random.default_rng(0).random((4, 7, 3), dtype=np.float32)
    model = mixed_model(batch, batch_size=4, timesteps=7, input_dim=3, units=8)
    assert model["count_params"] == (3 * 3 * 32 + 32) + (32 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
    assert model["output_shape"] == (4, 5, 1)
    p = model["y"]
    assert p.shape == (4, 5, 1) and np.all((p > 0) & (p < 1))
    np.testing.assert_allclose(p, numpy_mixed_model(model["weights"], batch), rtol=1e-4, atol=1e-5)
