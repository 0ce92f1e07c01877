import numpy as np
import pytest

from probes_ch15 import scale_shift_config_round_trip, scale_shift_model, weight_names
from scale_shift_fix import ScaleShift


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_weights_follow_the_input_size():
    for features in (3, 7):
        layer = ScaleShift(2.0)
        x = np.random.default_rng(features).normal(size=(4, features)).astype("float32")
        y = np.asarray(layer(x))
        assert [tuple(w.shape) for w in layer.weights] == [(features,), (features,)]
        assert weight_names(layer) == ["scale", "shift"]   # names stay in your process
        np.testing.assert_allclose(y, 2.0 * x, rtol=1e-6)


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_in_a_model_with_a_name():
    # The model around your layer is built next to your code (probes_ch15.py).
    x = np.ones((2, 7), "float32")
    weights = [np.arange(7, dtype="float32"), np.ones(7, "float32")]
    got = scale_shift_model(7, 0.5, "affine", weights, x)
    assert got["count_params"] == 14
    assert got["output_shape"] == (None, 7)
    assert got["names"] == ["scale", "shift"]
    np.testing.assert_allclose(got["y"], x * np.arange(7) + 1, rtol=1e-6)


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_config_round_trip():
    layer = ScaleShift(3.0, name="scaler")
    config = layer.get_config()
    assert config["name"] == "scaler" and config["initial_scale"] == 3.0
    got = scale_shift_config_round_trip(3.0, "scaler")   # from_config runs next to your class
    assert got["copy_class"] == "ScaleShift"
    assert got["copy_name"] == "scaler" and got["copy_initial_scale"] == 3.0
    assert got["rebuilt_class"] == "ScaleShift" and got["rebuilt_is_scale_shift"]
    assert got["rebuilt_initial_scale"] == 1.5
