import numpy as np
import pytest

import minikeras as keras

from inception_fix import fixed_inception_a


@pytest.mark.exercise("ch12.fix_inception_a", points=1)
def test_odd_input_sizes_round_up_and_the_module_runs():
    x = keras.Input(shape=(27, 13, 8))
    model = keras.Model(x, fixed_inception_a(x))
    assert model.output_shape == (None, 14, 7, 512)
    out = model.predict(np.random.default_rng(0).random((1, 27, 13, 8), dtype=np.float32), verbose=0)
    assert out.shape == (1, 14, 7, 512)
