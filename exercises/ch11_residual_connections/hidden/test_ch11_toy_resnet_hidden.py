import numpy as np
import pytest

from minikeras import layers

from toy_resnet import build_toy_resnet


@pytest.mark.exercise("ch11.toy_resnet", points=1)
def test_shapes_dropout_and_probabilities():
    model = build_toy_resnet()
    shapes = [l.output_shape for l in model.layers]
    assert shapes[1:4] == [(None, 30, 30, 32), (None, 28, 28, 64), (None, 9, 9, 64)]
    assert shapes[10] == (None, 7, 7, 64)
    (dropout,) = [l for l in model.layers if isinstance(l, layers.Dropout)]
    assert dropout.rate == 0.5
    convs = [l for l in model.layers if isinstance(l, layers.Conv2D)]
    assert [c.padding for c in convs] == ["valid", "valid", "same", "same", "same", "same", "valid"]
    images = np.random.default_rng(0).random((2, 32, 32, 3), dtype=np.float32)
    p = model.predict(images, verbose=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
