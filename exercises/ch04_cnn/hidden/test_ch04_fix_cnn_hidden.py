import pytest

from fix_cnn import fixed_cnn


@pytest.mark.exercise("ch04.fix_cnn", points=1)
def test_activations_are_kept():
    model = fixed_cnn()
    assert [layer.get_config().get("activation") for layer in model.layers if "activation" in layer.get_config()] \
        == ["relu", "relu", "sigmoid"]
    assert model.count_params() == 1649
