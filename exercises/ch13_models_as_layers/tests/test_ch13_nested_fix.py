import pytest

from minikeras import layers

from nested_fix import build_dense_decoder, build_dense_encoder, fixed_autoencoder


@pytest.mark.exercise("ch13.fix_nested", points=1)
def test_autoencoder_builds_from_the_two_models():
    encoder, decoder = build_dense_encoder(), build_dense_decoder()
    model = fixed_autoencoder(encoder, decoder)
    assert model.name == "dense_autoencoder"
    assert model.count_params() == encoder.count_params() + decoder.count_params()
    assert model.input_shape == (None, 784) and model.output_shape == (None, 784)


@pytest.mark.exercise("ch13.fix_nested", points=1)
def test_the_graph_is_input_encoder_decoder():
    encoder, decoder = build_dense_encoder(), build_dense_decoder()
    model = fixed_autoencoder(encoder, decoder)
    assert len(model.layers) == 3
    assert isinstance(model.layers[0], layers.InputLayer) and model.input_names == ["image"]
    assert model.layers[1] is encoder and model.layers[2] is decoder
    assert model.input is not encoder.input
    (node,) = [n for n in decoder._inbound_nodes if n in model._network_nodes]
    assert node.inbound_layers == [encoder], "the decoder must read the encoder's output"
