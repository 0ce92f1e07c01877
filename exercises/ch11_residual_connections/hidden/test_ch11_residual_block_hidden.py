import numpy as np
import pytest

from minikeras import layers

from residual_block import build_resnet


@pytest.mark.exercise("ch11.residual_block", points=1)
def test_the_small_resnet_that_trains_in_the_book():
    model = build_resnet(input_shape=(32, 32, 3), stem_filters=16, widths=(16, 32), num_classes=10)
    stem = (49 * 3 * 16 + 16) + 4 * 16
    block_16 = (9 * 16 * 16 + 16) * 2 + 8 * 16
    block_32 = (9 * 16 * 32 + 32) + (9 * 32 * 32 + 32) + 8 * 32 + (16 * 32 + 32)
    assert model.count_params() == stem + block_16 + block_32 + (32 * 10 + 10)
    types = [type(l).__name__ for l in model.layers]
    assert types[:5] == ["InputLayer", "Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D"]
    assert types.count("Add") == 2 and types[-2:] == ["GlobalAveragePooling2D", "Dense"]
    assert model.layers[4].output_shape == (None, 8, 8, 16)
    x = np.random.default_rng(0).random((2, 32, 32, 3), dtype=np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(axis=1), 1.0, atol=1e-5)
