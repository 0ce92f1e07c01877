import numpy as np
import pytest

from minikeras import layers

from autoencoder_nested import build_autoencoder, build_decoder, build_encoder


@pytest.mark.exercise("ch13.autoencoder", points=1)
def test_encoder():
    encoder = build_encoder()
    assert encoder.name == "encoder"
    assert encoder.count_params() == 18672           # what Keras reports
    assert encoder.input_shape == (None, 28, 28, 1) and encoder.output_shape == (None, 16)
    assert [type(l).__name__ for l in encoder.layers] == [
        "InputLayer", "Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "GlobalMaxPooling2D"]


@pytest.mark.exercise("ch13.autoencoder", points=1)
def test_decoder():
    decoder = build_decoder()
    assert decoder.name == "decoder"
    assert decoder.count_params() == 9569
    assert decoder.input_shape == (None, 16) and decoder.output_shape == (None, 28, 28, 1)
    assert [l.output_shape for l in decoder.layers[1:]] == [
        (None, 4, 4, 1), (None, 6, 6, 16), (None, 8, 8, 32), (None, 24, 24, 32), (None, 26, 26, 16),
        (None, 28, 28, 1)]


@pytest.mark.exercise("ch13.autoencoder", points=1)
def test_autoencoder_nests_the_two_models():
    encoder, decoder = build_encoder(), build_decoder()
    autoencoder = build_autoencoder(encoder, decoder)
    assert autoencoder.name == "autoencoder"
    assert autoencoder.count_params() == 28241
    assert len(autoencoder.layers) == 3
    assert isinstance(autoencoder.layers[0], layers.InputLayer)
    # The models come back rebuilt from their files, so "the same model" is checked by
    # name, architecture and weight values (fresh models would have other random weights).
    for nested, part in zip(autoencoder.layers[1:], (encoder, decoder)):
        assert nested.name == part.name and nested.count_params() == part.count_params()
        assert [type(l).__name__ for l in nested.layers] == [type(l).__name__ for l in part.layers]
        for a, b in zip(nested.get_weights(), part.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert autoencoder.layers[0].name != encoder.layers[0].name, "make a new Input for the autoencoder"
    assert autoencoder.output_shape == (None, 28, 28, 1)
