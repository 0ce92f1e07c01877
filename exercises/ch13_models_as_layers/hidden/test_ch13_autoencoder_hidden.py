import numpy as np
import pytest

from autoencoder_nested import build_autoencoder, build_decoder, build_encoder


@pytest.mark.exercise("ch13.autoencoder", points=1)
def test_autoencoder_runs_the_same_weights_as_its_parts():
    encoder, decoder = build_encoder(), build_decoder()
    autoencoder = build_autoencoder(encoder, decoder)
    assert autoencoder.input_names == ["img"]
    assert encoder.input_names == ["original_img"] and decoder.input_names == ["encoded_img"]
    x = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    codes = encoder.predict(x, verbose=0)
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0), decoder.predict(codes, verbose=0),
                               rtol=1e-5, atol=1e-6)
