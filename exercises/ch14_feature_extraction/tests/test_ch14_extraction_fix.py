import numpy as np
import pytest

from extraction_fix import fixed_feature_model, siamese_cnn


@pytest.mark.exercise("ch14.fix_extraction", points=1)
def test_two_feature_maps_from_the_models_own_inputs():
    model = siamese_cnn()
    features = fixed_feature_model(model)
    # The model comes back rebuilt from its file: its inputs are recognised by name, and
    # the only layer between them and the outputs is the model's own shared_conv.
    assert features.input_names == model.input_names == ["left", "right"]
    assert sorted(l.name for l in features.layers) == ["left", "right", "shared_conv"]
    for a, b in zip(features.get_layer("shared_conv").get_weights(),
                    model.get_layer("shared_conv").get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [tuple(t.shape) for t in features.outputs] == [(None, 26, 26, 8), (None, 26, 26, 8)]
    assert features.count_params() == 9 * 8 + 8


@pytest.mark.exercise("ch14.fix_extraction", points=1)
def test_left_then_right():
    model = siamese_cnn()
    conv = model.get_layer("shared_conv")
    rng = np.random.default_rng(0)
    left = rng.random((2, 28, 28, 1), dtype=np.float32)
    right = rng.random((2, 28, 28, 1), dtype=np.float32)
    got_left, got_right = fixed_feature_model(model).predict([left, right], verbose=0)
    np.testing.assert_allclose(got_left, np.asarray(conv(left)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_right, np.asarray(conv(right)), rtol=1e-5, atol=1e-6)
