import numpy as np
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
    # The models come back rebuilt from their files: "the same model" is checked by name
    # and weight values (fresh models would have other random weights).
    for nested, part in zip(model.layers[1:], (encoder, decoder)):
        assert nested.name == part.name
        for a, b in zip(nested.get_weights(), part.get_weights(), strict=True):
            np.testing.assert_array_equal(a, b)
    assert model.layers[0].name != encoder.layers[0].name, "the model reads its own Input"
    (node,) = [n for n in model.layers[2]._inbound_nodes if n in model.graph.nodes]
    assert [l.name for l in node.inbound_layers] == [encoder.name], "the decoder must read the encoder's output"
