import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from probes_ch14 import transfer_after_shift
from transfer_head import build_transfer_model


def base_model():
    inputs = keras.Input(shape=(10,), name="x")
    x = layers.Dense(16, activation="relu", name="hidden")(inputs)
    x = layers.Dense(6, activation="relu", name="features")(x)
    outputs = layers.Dense(4, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="base")


def size(weights):
    return sum(int(np.prod(w.shape)) for w in weights)


@pytest.mark.exercise("ch14.frozen_head", points=1)
def test_structure_and_counts():
    base = base_model()
    model = build_transfer_model(base, "features", units=1)
    assert len(model.layers) == 3
    extractor = model.layers[1]
    assert isinstance(extractor, keras.Model) and extractor.name == "extractor"
    assert extractor.output_shape == (None, 6)
    assert model.get_layer("head").units == 1
    assert model.count_params() == (10 * 16 + 16) + (16 * 6 + 6) + (6 + 1)
    assert size(model.trainable_weights) == 6 + 1
    assert model.output_shape == (None, 1)


@pytest.mark.exercise("ch14.frozen_head", points=1)
def test_the_extractor_reuses_the_base_weights():
    base = base_model()
    model = build_transfer_model(base, "hidden", units=3, activation="softmax")
    extractor = model.layers[1]
    assert [l.name for l in extractor.layers[1:]] == ["hidden"]
    assert size(model.trainable_weights) == 16 * 3 + 3
    assert model.layers[0].name != base.layers[0].name, "the transfer model needs its own Input"
    # Built next to the base (probes_ch14.py), whose weights then move: an extractor that
    # reuses the base's layers moves with them.
    moved, model = transfer_after_shift(base, "hidden", 1.0, units=3, activation="softmax")
    got = model.layers[1].get_layer("hidden").get_weights()
    for a, b in zip(got, moved.get_layer("hidden").get_weights(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg="the extractor must reuse the base's layers")


@pytest.mark.exercise("ch14.frozen_head", points=1, timeout=60)
def test_training_moves_only_the_head():
    base = base_model()
    model = build_transfer_model(base, "features")
    base_before = base.get_weights()
    head_before = model.get_layer("head").get_weights()
    rng = np.random.default_rng(0)
    x = rng.random((64, 10), dtype=np.float32)
    y = (x[:, 0] > 0.5).astype("float32").reshape(-1, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    for a, b in zip(base.get_weights(), base_before):
        np.testing.assert_array_equal(a, b)
    # (the model may have come back rebuilt from its file: its own extractor must not move)
    extractor = model.layers[1]
    assert len(extractor.get_weights()) == len(base_before) - 2
    for a, b in zip(extractor.get_weights(), base_before):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, b) for a, b in zip(model.get_layer("head").get_weights(), head_before))
