import numpy as np
import pytest

from nested_fix import build_dense_decoder, build_dense_encoder, fixed_autoencoder


@pytest.mark.exercise("ch13.fix_nested", points=1)
def test_predictions_chain_the_two_models():
    encoder, decoder = build_dense_encoder(), build_dense_decoder()
    model = fixed_autoencoder(encoder, decoder)
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    want = decoder.predict(encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)
