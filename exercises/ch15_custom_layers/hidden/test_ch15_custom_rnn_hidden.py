import numpy as np
import pytest

from custom_rnn_layer import build_mixed_model


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_other_sizes_and_predict():
    model = build_mixed_model(batch_size=4, timesteps=7, input_dim=3, units=8)
    assert model.count_params() == (3 * 3 * 32 + 32) + (32 * 8 + 8) + (8 * 8 + 8) + (8 + 1)
    assert model.output_shape == (4, 5, 1)
    batch = np.random.default_rng(0).random((4, 7, 3), dtype=np.float32)
    p = model.predict(batch, batch_size=4, verbose=0)
    assert p.shape == (4, 5, 1) and np.all((p > 0) & (p < 1))
