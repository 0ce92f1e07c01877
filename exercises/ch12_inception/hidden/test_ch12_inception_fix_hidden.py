import numpy as np
import pytest

from probes_ch12 import fixed_module_model


@pytest.mark.exercise("ch12.fix_inception_a", points=1)
def test_odd_input_sizes_round_up_and_the_module_runs():
    model = fixed_module_model((27, 13, 8))
    assert model.output_shape == (None, 14, 7, 512)
    out = model.predict(np.random.default_rng(0).random((1, 27, 13, 8), dtype=np.float32), verbose=0)
    assert out.shape == (1, 14, 7, 512)
