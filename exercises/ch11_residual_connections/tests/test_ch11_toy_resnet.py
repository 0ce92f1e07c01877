import pytest

from minikeras import layers

from toy_resnet import build_toy_resnet

KERAS_ORDER = ["InputLayer", "Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "Add",
               "Conv2D", "Conv2D", "Add", "Conv2D", "GlobalAveragePooling2D", "Dense", "Dropout",
               "Dense"]


def inbound_layers(model, layer):
    (node,) = [n for n in layer._inbound_nodes if n in model.graph.nodes]
    return node.inbound_layers


@pytest.mark.exercise("ch11.toy_resnet", points=1)
def test_parameter_count_and_name():
    model = build_toy_resnet()
    assert model.count_params() == 223242   # what Keras reports
    assert model.name == "toy_resnet"
    assert model.input_names == ["img"]
    assert model.output_shape == (None, 10)


@pytest.mark.exercise("ch11.toy_resnet", points=1)
def test_layer_types_in_keras_order():
    model = build_toy_resnet()
    assert [type(l).__name__ for l in model.layers] == KERAS_ORDER


@pytest.mark.exercise("ch11.toy_resnet", points=1)
def test_each_add_reads_its_block_and_the_skip():
    model = build_toy_resnet()
    adds = [l for l in model.layers if isinstance(l, layers.Add)]
    assert len(adds) == 2
    first, second = (inbound_layers(model, a) for a in adds)
    # add([x, block_input]): the block's last convolution, then the skip
    assert isinstance(first[0], layers.Conv2D) and isinstance(first[1], layers.MaxPooling2D)
    assert isinstance(second[0], layers.Conv2D) and second[1] is adds[0]
    for add in adds:
        assert add.output_shape == (None, 9, 9, 64)
