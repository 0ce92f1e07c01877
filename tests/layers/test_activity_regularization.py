"""``activity_regularizer`` (every layer, as in Keras 3) and ``layers.ActivityRegularization``:
a penalty on the layer's outputs, divided by the batch size, in ``layer.losses`` after each
call and in the training loss."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def test_the_penalty_is_the_regularizer_of_the_output_over_the_batch_size():
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    layer = layers.Dense(2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L1L2(0.1, 0.2))
    out = np.asarray(layer(x).value)
    (loss,) = layer.losses
    expected = (0.1 * np.abs(out).sum() + 0.2 * np.square(out).sum()) / 4
    np.testing.assert_allclose(float(loss.value), expected, rtol=1e-6)
    layer(x[:2])
    assert len(layer.losses) == 1   # the latest call's penalty only


def test_a_layer_without_one_adds_nothing_and_writes_nothing():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    assert layer.losses == [] and layer.get_config()["activity_regularizer"] is None
    assert "activity_regularizer" not in layers.Flatten().get_config()   # Keras writes it only when set
    assert layers.Flatten(activity_regularizer="l2").get_config()["activity_regularizer"]["class_name"] == "L2"


def test_the_penalty_reaches_the_training_loss_of_a_sequential_model():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, kernel_initializer="ones", name="d"),
                              layers.ActivityRegularization(l2=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    out = model.predict(x, verbose=0)
    expected = np.mean(out ** 2) + 0.5 * np.square(out).sum() / 4
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=4, verbose=0), expected, rtol=1e-6)
    before = model.get_layer("d").get_weights()[0].copy()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert not np.allclose(before, model.get_layer("d").get_weights()[0])


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_the_setting_is_saved_and_loaded(suffix, tmp_path):
    inputs = keras.Input((3,))
    h = layers.Dense(2, activity_regularizer=keras.regularizers.L1(0.3), name="d")(inputs)
    model = keras.Model(inputs, layers.ActivityRegularization(l1=0.1, l2=0.2, name="ar")(h))
    model.save(tmp_path / f"m{suffix}")
    loaded = keras.models.load_model(tmp_path / f"m{suffix}")
    assert loaded.get_layer("d").activity_regularizer.get_config() == {"l1": 0.3}
    assert (loaded.get_layer("ar").l1, loaded.get_layer("ar").l2) == (0.1, 0.2)
    assert "activity_regularizer" not in loaded.get_layer("ar").get_config()
    x = np.random.default_rng(0).random((5, 3)).astype("float32")
    for m in (model, loaded):
        m.compile(optimizer="sgd", loss="mse")
    np.testing.assert_allclose(loaded.evaluate(x, x[:, :2], verbose=0), model.evaluate(x, x[:, :2], verbose=0),
                               rtol=1e-6)


def test_bad_factors_are_refused():
    with pytest.raises(ValueError, match="l1.*non-negative.*-1"):
        layers.ActivityRegularization(l1=-1)
    with pytest.raises(ValueError, match="Unknown regularizer|Could not interpret|regularizer"):
        layers.Dense(2, activity_regularizer="not_a_regularizer")


def test_activity_regularization_refuses_a_second_regularizer():
    """Its penalty is its l1/l2; an activity_regularizer= as well would be dropped."""
    with pytest.raises(TypeError, match="not as `activity_regularizer`"):
        layers.ActivityRegularization(l1=0.1, activity_regularizer="l2")
