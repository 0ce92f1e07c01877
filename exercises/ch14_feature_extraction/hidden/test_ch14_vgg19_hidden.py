import pytest

import minikeras as keras

from probes_ch14 import vgg19_config


def VGG19(**kwargs):
    """Your VGG19, rebuilt here from its config (probes_ch14.py): the architecture
    without the ~80 MB of random weights the model would take to send."""
    return keras.Model.from_config(vgg19_config(**kwargs))


@pytest.mark.exercise("ch14.vgg19", points=1)
def test_fc1_reads_the_25088_features_of_the_224_model():
    model = VGG19(input_shape=(224, 224, 3), classes=3, fc_units=8)
    assert model.get_layer("flatten").output_shape == (None, 25088)
    assert model.get_layer("fc1").count_params() == 25088 * 8 + 8
    assert len(model.layers) == 26
    assert model.count_params() == 20024384 + (25088 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3)
