"""minikeras.layers.wrappers.Wrapper, the public base class of layers that hold a layer: a
subclass only writes call(); the inner layer is built on the wrapper's input, its weights are
the wrapper's, and the config round trip rebuilds it."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


class Doubled(layers.Wrapper):
    """Applies the inner layer, then doubles its output."""

    def call(self, inputs):
        return self.layer(inputs) * 2.0


def test_a_subclass_builds_and_owns_the_inner_layer():
    x = keras.Input((3,))
    wrapper = Doubled(layers.Dense(2, name="inner"))
    model = keras.Model(x, wrapper(x))
    assert wrapper.layer.built and [w.name for w in wrapper.weights] == ["kernel", "bias"]
    data = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), 2 * np.asarray(wrapper.layer(data)), rtol=1e-6)


def test_config_round_trip_rebuilds_the_inner_layer():
    wrapper = Doubled(layers.Dense(4, activation="relu"))
    clone = Doubled.from_config(wrapper.get_config())
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 4
    assert clone.get_config()["layer"]["config"]["activation"] == "relu"


def test_a_wrapper_needs_a_layer():
    with pytest.raises(ValueError, match="Layer"):
        Doubled(3)
