import numpy as np
import pytest

from fix_disconnected import fixed_two_input_model


@pytest.mark.exercise("ch02.fix_disconnected", points=1)
def test_output_depends_on_b_as_written():
    model = fixed_two_input_model()
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(4, 8)).astype("float32"), rng.normal(size=(4, 4)).astype("float32")
    (k1, b1), (k2, b2) = model.layers[1].get_weights(), model.layers[4].get_weights()
    expected = np.concatenate([a @ k1 + b1, b], axis=1) @ k2 + b2
    np.testing.assert_allclose(model.predict([a, b], verbose=0), expected, rtol=1e-4, atol=1e-5)
    assert model.count_params() == 85
