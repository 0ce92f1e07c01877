import numpy as np
import pytest

import minikeras as keras

from custom_dense_layer import CustomDense


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_keras_file_round_trip(tmp_path):
    inputs = keras.Input((6,))
    x = CustomDense(5, activation="relu", name="first")(inputs)
    outputs = CustomDense(2, name="second")(x)
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / "custom.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"CustomDense": CustomDense})
    data = np.random.default_rng(0).random((3, 6), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0),
                               rtol=1e-6, atol=1e-6)
    assert [l.name for l in loaded.layers[1:]] == ["first", "second"]
    assert loaded.get_layer("first").get_config()["units"] == 5
