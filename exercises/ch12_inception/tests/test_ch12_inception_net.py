import pytest

from minikeras import layers

from inception_net import build_inception_net
from probes_ch12 import module_model  # Input(shape) -> inception_module(x, *filters), as a model


@pytest.mark.exercise("ch12.inception_net", points=1)
def test_the_book_network():
    model = build_inception_net()
    assert model.count_params() == 480138       # what Keras reports
    assert model.layers[-3].output_shape == (None, 56, 56, 480)
    assert model.output_shape == (None, 10)


@pytest.mark.exercise("ch12.inception_net", points=1)
def test_one_module_branches_and_concatenation():
    model = module_model((32, 32, 16), 8, 16, 4, 4)
    assert model.output_shape == (None, 32, 32, 8 + 16 + 4 + 4)
    (concat,) = [l for l in model.layers if isinstance(l, layers.Concatenate)]
    (node,) = [n for n in concat._inbound_nodes if n in model.graph.nodes]
    assert len(node.inbound_layers) == 4
    last_channels = [l.filters for l in node.inbound_layers]
    assert last_channels == [8, 16, 4, 4], "concatenate the branches 1x1, 3x3, 5x5, pool"
    kernels = [l.kernel_size for l in node.inbound_layers]
    assert kernels == [(1, 1), (3, 3), (5, 5), (1, 1)]


@pytest.mark.exercise("ch12.inception_net", points=1)
def test_bottlenecks_and_pooling_branch():
    model = module_model((12, 12, 10), 6, 12, 8, 5)
    convs = [l for l in model.layers if isinstance(l, layers.Conv2D)]
    one_by_one = sorted(c.filters for c in convs if c.kernel_size == (1, 1))
    assert one_by_one == sorted([6, 12 // 2, 8 // 2, 5])
    assert all(c.activation.__name__ == "relu" for c in convs)
    (pool,) = [l for l in model.layers if isinstance(l, layers.MaxPooling2D)]
    assert pool.pool_size == (3, 3) and pool.strides == (1, 1) and pool.padding == "same"
    params = (10 * 6 + 6) + (10 * 6 + 6) + (9 * 6 * 12 + 12) + (10 * 4 + 4) + (25 * 4 * 8 + 8) + (10 * 5 + 5)
    assert model.count_params() == params
