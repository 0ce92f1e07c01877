import numpy as np
import pytest

from probes_ch15 import two_custom_dense_round_trip


@pytest.mark.exercise("ch15.custom_dense", points=1)
def test_keras_file_round_trip():
    # Saved and loaded next to your class (probes_ch15.py); the predictions are
    # recomputed here from the weights.
    data = np.random.default_rng(0).random((3, 6), dtype=np.float32)
    got = two_custom_dense_round_trip(data)
    w1, b1, w2, b2 = got["weights"]
    want = np.maximum(data @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(got["y"], want, rtol=1e-5, atol=1e-6)
    for a, b in zip(got["loaded_weights"], got["weights"], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(got["loaded_y"], got["y"], rtol=1e-6, atol=1e-6)
    assert got["names"][1:] == ["first", "second"]
    assert got["classes"][1:] == ["CustomDense", "CustomDense"]
    assert got["configs"][0]["units"] == 5
