import pytest

import minikeras as keras
from minikeras import layers

from probes_ch14 import vgg19_config


def VGG19(**kwargs):
    """Your VGG19, rebuilt here from its config (probes_ch14.py): the architecture
    without the ~80 MB of random weights the model would take to send."""
    return keras.Model.from_config(vgg19_config(**kwargs))


NOTOP = 20024384          # what Keras reports for VGG19(include_top=False)
BLOCKS = [(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)]


def expected_names(top):
    names = []
    for b, (_, convs) in enumerate(BLOCKS, start=1):
        names += [f"block{b}_conv{i}" for i in range(1, convs + 1)] + [f"block{b}_pool"]
    return names + (["flatten", "fc1", "fc2", "predictions"] if top else [])


@pytest.mark.exercise("ch14.vgg19", points=1)
def test_convolutional_base_at_224():
    model = VGG19(include_top=False)
    assert model.name == "vgg19"
    assert model.count_params() == NOTOP
    assert model.output_shape == (None, 7, 7, 512)
    assert [l.name for l in model.layers[1:]] == expected_names(top=False)


@pytest.mark.exercise("ch14.vgg19", points=1)
def test_small_top():
    model = VGG19(input_shape=(32, 32, 3), classes=10, fc_units=64)
    assert [l.name for l in model.layers[1:]] == expected_names(top=True)
    assert model.count_params() == NOTOP + (512 * 64 + 64) + (64 * 64 + 64) + (64 * 10 + 10)
    assert model.output_shape == (None, 10)
    assert model.get_layer("predictions").activation.__name__ == "softmax"


@pytest.mark.exercise("ch14.vgg19", points=1)
def test_block_output_shapes():
    model = VGG19(include_top=False, input_shape=(64, 64, 3))
    shapes = [model.get_layer(f"block{b}_pool").output_shape for b in range(1, 6)]
    assert shapes == [(None, 32, 32, 64), (None, 16, 16, 128), (None, 8, 8, 256), (None, 4, 4, 512),
                      (None, 2, 2, 512)]
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            assert layer.kernel_size == (3, 3) and layer.padding == "same"
            assert layer.activation.__name__ == "relu"
