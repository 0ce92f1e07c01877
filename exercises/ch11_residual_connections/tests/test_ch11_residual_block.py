import numpy as np
import pytest

from minikeras import layers

from probes_ch11 import block_model
from residual_block import build_resnet


def block_params(c_in, f):
    main = (9 * c_in * f + f) + 4 * f + (9 * f * f + f) + 4 * f
    return main + (c_in * f + f if c_in != f else 0)


def non_trainable(model):
    return sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)


def one_block_model(shape, filters):
    """``Input(shape)`` -> ``residual_block(inputs, filters)`` as a model, built beside
    your code (``probes_ch11``) and inspected here."""
    return block_model(shape, filters)


@pytest.mark.exercise("ch11.residual_block", points=1)
def test_block_that_keeps_the_channels_has_no_shortcut_convolution():
    model = one_block_model((8, 8, 16), 16)
    convs = [l for l in model.layers if isinstance(l, layers.Conv2D)]
    assert len(convs) == 2
    assert all(c.kernel_size == (3, 3) for c in convs)
    assert len([l for l in model.layers if isinstance(l, layers.BatchNormalization)]) == 2
    assert model.count_params() == block_params(16, 16)
    assert model.output_shape == (None, 8, 8, 16)
    (add,) = [l for l in model.layers if isinstance(l, layers.Add)]
    node = [n for n in add._inbound_nodes if n in model.graph.nodes][0]
    assert isinstance(node.inbound_layers[0], layers.BatchNormalization)
    assert isinstance(node.inbound_layers[1], layers.InputLayer), "the skip is the block's input"
    assert isinstance(model.layers[-1], layers.ReLU)


@pytest.mark.exercise("ch11.residual_block", points=1)
def test_block_that_changes_the_channels_gets_a_1x1_shortcut():
    model = one_block_model((8, 8, 16), 24)
    convs = [l for l in model.layers if isinstance(l, layers.Conv2D)]
    ones = [c for c in convs if c.kernel_size == (1, 1)]
    assert len(convs) == 3 and len(ones) == 1
    assert ones[0].filters == 24
    assert model.count_params() == block_params(16, 24)
    assert non_trainable(model) == 2 * 2 * 24
    assert model.output_shape == (None, 8, 8, 24)


@pytest.mark.exercise("ch11.residual_block", points=1)
def test_the_book_resnet():
    model = build_resnet()
    assert model.count_params() == 1237770      # what Keras reports
    assert non_trainable(model) == 2 * (64 + 2 * 64 + 2 * 128 + 2 * 256)
    assert model.output_shape == (None, 10)
