"""minikeras.layers.preprocessing.pipeline: layers applied in a row, training handed down
(random layers act when called directly and in fit, not in predict), inner weights owned and
saved, config round trip, errors. (Keras parity and file crossing: the layer registry.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

IMAGES = np.random.default_rng(0).random((3, 4, 4, 2)).astype("float32")


def test_layers_in_a_row_and_training_handed_down():
    pipeline = layers.Pipeline([layers.Rescaling(2.0), layers.RandomFlip("horizontal", seed=3)])
    np.testing.assert_allclose(np.asarray(pipeline(IMAGES, training=False)), IMAGES * 2)
    trained = np.asarray(pipeline(IMAGES))   # direct call: training, so some images flip
    flipped = [np.allclose(t, IMAGES[i, :, ::-1] * 2) and not np.allclose(t, IMAGES[i] * 2)
               for i, t in enumerate(trained)]
    assert any(flipped)
    x = keras.Input((4, 4, 2))
    model = keras.Model(x, pipeline(x))
    np.testing.assert_allclose(model.predict(IMAGES, verbose=0), IMAGES * 2)
    assert pipeline.compute_output_shape((None, 4, 4, 2)) == (None, 4, 4, 2)


def test_inner_weights_train_and_are_saved(tmp_path):
    x = keras.Input((3,))
    pipeline = layers.Pipeline([layers.Dense(4, activation="relu"), layers.Dense(1)])
    model = keras.Model(x, pipeline(x))
    assert len(pipeline.weights) == 4 and pipeline.layers[0].built
    model.compile(optimizer="sgd", loss="mse")
    data = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    model.fit(data, data[:, :1], epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)


def test_config_and_errors():
    pipeline = layers.Pipeline([layers.Rescaling(0.5), layers.RandomContrast(0.2)], name="aug")
    config = pipeline.get_config()
    assert set(config) == {"layers", "name"} and len(config["layers"]) == 2
    clone = layers.Pipeline.from_config(config)
    assert [type(l).__name__ for l in clone.layers] == ["Rescaling", "RandomContrast"]
    with pytest.raises(ValueError, match="layers"):
        layers.Pipeline.from_config({"name": "p"})
    with pytest.raises(ValueError, match="must be a layer"):
        layers.Pipeline([layers.Rescaling(1.0), "flip"])
