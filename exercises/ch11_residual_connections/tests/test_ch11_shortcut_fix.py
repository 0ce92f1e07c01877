import pytest

from minikeras import layers

from shortcut_fix import fixed_model


def add_inputs(model):
    (add,) = [l for l in model.layers if isinstance(l, layers.Add)]
    (node,) = [n for n in add._inbound_nodes if n in model.graph.nodes]
    return add, node.inbound_layers


@pytest.mark.exercise("ch11.fix_shortcut", points=1)
def test_model_builds_with_the_right_parameter_count():
    model = fixed_model()
    expected = (9 * 64 * 128 + 128) + (9 * 128 * 128 + 128) + (64 * 128 + 128) + (128 * 10 + 10)
    assert model.count_params() == expected
    assert model.output_shape == (None, 10)


@pytest.mark.exercise("ch11.fix_shortcut", points=1)
def test_the_shortcut_is_a_strided_1x1_convolution_of_the_input():
    model = fixed_model()
    add, (main, shortcut) = add_inputs(model)
    assert add.output_shape == (None, 8, 8, 128)
    assert isinstance(main, layers.Conv2D) and main.kernel_size == (3, 3)
    assert isinstance(shortcut, layers.Conv2D)
    assert shortcut.kernel_size == (1, 1) and shortcut.strides == (2, 2) and shortcut.filters == 128
    assert isinstance(shortcut._inbound_nodes[0].inbound_layers[0], layers.InputLayer)
