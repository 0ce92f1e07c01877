import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from feature_extractor import features_by_name, make_feature_extractor
from probes_ch14 import extractor_after_shift


def small_cnn():
    inputs = keras.Input(shape=(12, 12, 1), name="digit")
    x = layers.Conv2D(4, 3, activation="relu", padding="same", name="conv_a")(inputs)
    x = layers.MaxPooling2D(name="pool_a")(x)
    x = layers.Conv2D(6, 3, activation="relu", name="conv_b")(x)
    x = layers.Flatten(name="flat")(x)
    x = layers.Dense(5, activation="relu", name="features")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def run_chain(model, x):
    """Each layer's output for a chain model, one layer call at a time."""
    values = [x]
    for layer in model.layers[1:]:
        values.append(np.asarray(layer(values[-1])))
    return values


@pytest.mark.exercise("ch14.extractor", points=1)
def test_every_layer_no_new_weights():
    model = small_cnn()
    extractor = make_feature_extractor(model)
    assert len(extractor.outputs) == len(model.layers)
    assert extractor.count_params() == model.count_params()
    assert {l.name for l in extractor.layers} == {l.name for l in model.layers}
    # Made next to the model (probes_ch14.py), whose weights then move: an extractor that
    # shares the layers moves with them; a copied layer would keep the old values.
    moved, shared = extractor_after_shift(model, 1.0)
    for layer in moved.layers:
        for a, b in zip(shared.get_layer(layer.name).get_weights(), layer.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b, err_msg=f"{layer.name}: no layer may be copied")
    assert [tuple(t.shape) for t in extractor.outputs] == [l.output_shape for l in model.layers]


@pytest.mark.exercise("ch14.extractor", points=1)
def test_activations_are_the_layers_outputs():
    model = small_cnn()
    x = np.random.default_rng(0).random((2, 12, 12, 1), dtype=np.float32)
    got = make_feature_extractor(model).predict(x, verbose=0)
    for value, want, layer in zip(got, run_chain(model, x), model.layers):
        np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-6, err_msg=layer.name)


@pytest.mark.exercise("ch14.extractor", points=1)
def test_features_by_name():
    model = small_cnn()
    x = np.random.default_rng(1).random((3, 12, 12, 1), dtype=np.float32)
    chain = dict(zip([l.name for l in model.layers], run_chain(model, x)))
    got = features_by_name(model, x, ["conv_b", "features"])
    assert list(got) == ["conv_b", "features"]
    for name in got:
        np.testing.assert_allclose(got[name], chain[name], rtol=1e-5, atol=1e-6)
    single = features_by_name(model, x, ["pool_a"])
    assert np.shape(single["pool_a"]) == (3, 6, 6, 4)
