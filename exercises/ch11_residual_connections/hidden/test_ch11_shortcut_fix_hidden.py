import numpy as np
import pytest

from minikeras import layers

from shortcut_fix import fixed_model


@pytest.mark.exercise("ch11.fix_shortcut", points=1)
def test_odd_sized_input_and_a_forward_pass():
    model = fixed_model(input_shape=(15, 15, 64))
    (add,) = [l for l in model.layers if isinstance(l, layers.Add)]
    assert add.output_shape == (None, 8, 8, 128)
    x = np.random.default_rng(0).random((2, 15, 15, 64), dtype=np.float32)
    p = model.predict(x, verbose=0)
    assert p.shape == (2, 10)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
