import numpy as np
import pytest

import minikeras as keras

from extraction_fix import fixed_feature_model, siamese_cnn


@pytest.mark.exercise("ch14.fix_extraction", points=1)
def test_extractor_shares_the_trained_layer():
    model = siamese_cnn()
    features = fixed_feature_model(model)
    conv = model.get_layer("shared_conv")
    assert features.get_layer("shared_conv") is conv
    conv.set_weights([np.ones((3, 3, 1, 8), "float32"), np.zeros(8, "float32")])
    image = np.ones((1, 28, 28, 1), dtype=np.float32)
    left, right = features.predict({"left": image, "right": 2 * image}, verbose=0)
    np.testing.assert_allclose(left, 9.0, rtol=1e-6)
    np.testing.assert_allclose(right, 18.0, rtol=1e-6)
