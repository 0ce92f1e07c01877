import numpy as np
import pytest

from extraction_fix import siamese_cnn
from probes_ch14 import features_after_setting


@pytest.mark.exercise("ch14.fix_extraction", points=1)
def test_extractor_shares_the_trained_layer():
    model = siamese_cnn()
    # The feature model is made next to the model (probes_ch14.py), then the model's conv
    # gets new weights: a feature model that shares the layer computes with them.
    weights = [np.ones((3, 3, 1, 8), "float32"), np.zeros(8, "float32")]
    features = features_after_setting(model, "shared_conv", weights)
    for a, b in zip(features.get_layer("shared_conv").get_weights(), weights, strict=True):
        np.testing.assert_array_equal(a, b)
    image = np.ones((1, 28, 28, 1), dtype=np.float32)
    left, right = features.predict({"left": image, "right": 2 * image}, verbose=0)
    np.testing.assert_allclose(left, 9.0, rtol=1e-6)
    np.testing.assert_allclose(right, 18.0, rtol=1e-6)
