import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from feature_extractor import make_feature_extractor


@pytest.mark.exercise("ch14.extractor", points=1)
def test_two_inputs_and_named_branches():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(3,), name="b")
    ha = layers.Dense(5, activation="tanh", name="ha")(a)
    hb = layers.Dense(5, name="hb")(b)
    out = layers.Dense(1, name="out")(layers.add([ha, hb], name="sum"))
    model = keras.Model([a, b], out)
    extractor = make_feature_extractor(model, ["hb", "sum"])
    assert extractor.count_params() == model.count_params() - model.get_layer("out").count_params()
    xa = np.random.default_rng(0).random((2, 4), dtype=np.float32)
    xb = np.random.default_rng(1).random((2, 3), dtype=np.float32)
    got_hb, got_sum = extractor.predict([xa, xb], verbose=0)
    want_hb = np.asarray(model.get_layer("hb")(xb))
    np.testing.assert_allclose(got_hb, want_hb, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_sum, np.asarray(model.get_layer("ha")(xa)) + want_hb, rtol=1e-5,
                               atol=1e-6)
