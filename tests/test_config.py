"""minikeras.config: Keras 3's address for the global settings."""
import numpy as np
import pytest

import minikeras as keras


def test_settings_are_the_backend_ones():
    assert keras.config.backend() == "numpy"
    assert keras.config.floatx() == "float32"
    keras.config.set_floatx("float64")
    assert keras.backend.floatx() == "float64"
    assert keras.layers.Dense(2)(np.ones((1, 3))).dtype == "float64"
    keras.config.set_floatx("float32")
    eps = keras.config.epsilon()
    try:
        keras.config.set_epsilon(1e-5)
        assert keras.backend.epsilon() == 1e-5
    finally:
        keras.config.set_epsilon(eps)
    with pytest.raises(ValueError, match="Unknown floatx type: 'int32'"):
        keras.config.set_floatx("int32")


def test_image_data_format_is_channels_last():
    assert keras.config.image_data_format() == "channels_last"
    keras.config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="channels-last only"):
        keras.config.set_image_data_format("channels_first")
    with pytest.raises(ValueError, match="must be one of"):
        keras.config.set_image_data_format("nhwc")


def test_enable_unsafe_deserialization_lets_lambda_layers_load(tmp_path):
    from minikeras.saving import safe_mode
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 3.0)(inputs))
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="Lambda layer"):
        keras.saving.load_model(tmp_path / "lambda.keras")
    previous = safe_mode._SAFE_MODE[0]
    try:
        keras.config.enable_unsafe_deserialization()
        loaded = keras.saving.load_model(tmp_path / "lambda.keras")
        np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])
    finally:
        safe_mode._SAFE_MODE[0] = previous
