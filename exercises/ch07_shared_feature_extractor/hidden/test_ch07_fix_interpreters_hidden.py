import pytest

from fix_interpreters import fixed_interpreters_model


@pytest.mark.exercise("ch07.fix_interpreters", points=1)
def test_activations_and_parameter_count():
    model = fixed_interpreters_model()
    assert [layer.get_config()["activation"] for layer in model.layers[2:] if "activation" in layer.get_config()] \
        == ["relu", "relu", "relu", "sigmoid"]
    assert model.count_params() == 369
