import numpy as np
import pytest

from ensemble_models import build_ensemble, get_model


@pytest.mark.exercise("ch13.ensemble", points=1)
def test_predictions_are_the_mean_of_the_members():
    members = [get_model(6) for _ in range(5)]
    ensemble = build_ensemble(members, input_dim=6)
    assert ensemble.count_params() == 5 * 7
    x = np.random.default_rng(0).random((4, 6), dtype=np.float32)
    want = np.mean([m.predict(x, verbose=0) for m in members], axis=0)
    np.testing.assert_allclose(ensemble.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)
