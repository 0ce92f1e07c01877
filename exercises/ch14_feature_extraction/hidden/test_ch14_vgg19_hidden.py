import pytest

from vgg19_arch import VGG19


@pytest.mark.exercise("ch14.vgg19", points=1)
def test_fc1_reads_the_25088_features_of_the_224_model():
    model = VGG19(input_shape=(224, 224, 3), classes=3, fc_units=8)
    assert model.get_layer("flatten").output_shape == (None, 25088)
    assert model.get_layer("fc1").count_params() == 25088 * 8 + 8
    assert len(model.layers) == 26
    assert model.count_params() == 20024384 + (25088 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3)
