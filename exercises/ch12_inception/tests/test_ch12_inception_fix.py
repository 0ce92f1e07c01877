import pytest

from minikeras import layers

from probes_ch12 import fixed_module_model


def module(shape):
    """``Input(shape)`` -> ``fixed_inception_a(x)`` as a model, built beside your code
    (``probes_ch12``) and inspected here."""
    return fixed_module_model(shape)


@pytest.mark.exercise("ch12.fix_inception_a", points=1)
def test_the_module_builds_with_the_books_numbers():
    model = module((28, 28, 256))
    assert model.output_shape == (None, 14, 14, 512)
    expected = 4 * (256 * 128 + 128) + (9 * 128 * 128 + 128) + (25 * 128 * 128 + 128)
    assert model.count_params() == expected


@pytest.mark.exercise("ch12.fix_inception_a", points=1)
def test_same_layers_as_the_guide():
    model = module((28, 28, 256))
    convs = [l for l in model.layers if isinstance(l, layers.Conv2D)]
    assert sorted((c.kernel_size[0], c.strides[0]) for c in convs) == \
        sorted([(1, 2), (1, 1), (3, 2), (1, 2), (5, 1), (1, 1)])
    (pool,) = [l for l in model.layers if isinstance(l, layers.MaxPooling2D)]
    assert pool.pool_size == (3, 3) and pool.strides == (2, 2)
    (concat,) = [l for l in model.layers if isinstance(l, layers.Concatenate)]
    (node,) = [n for n in concat._inbound_nodes if n in model.graph.nodes]
    assert len(node.inbound_layers) == 4
