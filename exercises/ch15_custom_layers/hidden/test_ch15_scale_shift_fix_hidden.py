import numpy as np
import pytest

import minikeras as keras

from scale_shift_fix import ScaleShift


@pytest.mark.exercise("ch15.fix_custom_layer", points=1)
def test_keras_file_round_trip_on_images(tmp_path):
    inputs = keras.Input(shape=(5, 5, 3))
    model = keras.Model(inputs, ScaleShift(0.25, name="norm")(inputs))
    assert model.count_params() == 6
    model.get_layer("norm").set_weights([np.array([1.0, 2.0, 3.0], "float32"),
                                         np.array([0.5, 0.0, -0.5], "float32")])
    path = str(tmp_path / "scale_shift.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"ScaleShift": ScaleShift})
    x = np.random.default_rng(0).random((2, 5, 5, 3), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.get_layer("norm").initial_scale == 0.25
