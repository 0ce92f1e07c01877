import numpy as np
import pytest

from fix_multi_input import fixed_two_resolution_model


@pytest.mark.exercise("ch08.fix_multi_input", points=1)
def test_swapped_data_is_refused_and_activations_are_kept():
    model = fixed_two_resolution_model()
    rng = np.random.default_rng(3)
    grey, colour = rng.random((1, 32, 32, 1), dtype=np.float32), rng.random((1, 16, 16, 3), dtype=np.float32)
    with pytest.raises(ValueError):
        model.predict([colour, grey], verbose=0)
    activations = [layer.get_config()["activation"] for layer in model.layers if "activation" in layer.get_config()]
    assert activations == ["relu", "relu", "relu", "sigmoid"]
    assert model.count_params() == 17857
