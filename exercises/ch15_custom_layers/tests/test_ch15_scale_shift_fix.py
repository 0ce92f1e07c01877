import numpy as np
import pytest

import minikeras as keras

from scale_shift_fix import ScaleShift


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_weights_follow_the_input_size():
    for features in (3, 7):
        layer = ScaleShift(2.0)
        x = np.random.default_rng(features).normal(size=(4, features)).astype("float32")
        y = np.asarray(layer(x))
        assert [tuple(w.shape) for w in layer.weights] == [(features,), (features,)]
        assert [w.name for w in layer.weights] == ["scale", "shift"]
        np.testing.assert_allclose(y, 2.0 * x, rtol=1e-6)


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_in_a_model_with_a_name():
    inputs = keras.Input(shape=(7,))
    outputs = ScaleShift(0.5, name="affine")(inputs)
    model = keras.Model(inputs, outputs)
    assert model.count_params() == 14
    assert model.get_layer("affine").output_shape == (None, 7)
    layer = model.get_layer("affine")
    layer.set_weights([np.arange(7, dtype="float32"), np.ones(7, "float32")])
    x = np.ones((2, 7), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), x * np.arange(7) + 1, rtol=1e-6)


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_config_round_trip():
    layer = ScaleShift(3.0, name="scaler")
    config = layer.get_config()
    copy = ScaleShift.from_config(config)
    assert copy.name == "scaler" and copy.initial_scale == 3.0
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, ScaleShift(1.5, name="s")(inputs))
    rebuilt = keras.Model.from_config(model.get_config(), custom_objects={"ScaleShift": ScaleShift})
    assert isinstance(rebuilt.get_layer("s"), ScaleShift)
    assert rebuilt.get_layer("s").initial_scale == 1.5
