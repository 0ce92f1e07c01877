import numpy as np
import pytest

from probes_ch15 import scale_shift_image_round_trip


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_keras_file_round_trip_on_images():
    # Saved and loaded next to your class (probes_ch15.py).
    x = np.random.default_rng(0).random((2, 5, 5, 3), dtype=np.float32)
    got = scale_shift_image_round_trip(x)
    assert got["count_params"] == 6
    scale, shift = np.array([1.0, 2.0, 3.0], "float32"), np.array([0.5, 0.0, -0.5], "float32")
    for a, b in zip(got["loaded_weights"], [scale, shift], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(got["y"], x * scale + shift, rtol=1e-6)
    np.testing.assert_allclose(got["loaded_y"], x * scale + shift, rtol=1e-6)
    assert got["attribute"] == 0.25
