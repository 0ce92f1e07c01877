import numpy as np
import pytest

import minikeras as keras
from minikeras import layers

from twin_fix import functional_twin, sequential_model


def dense_configs(model):
    return [(l.units, l.activation.__name__) for l in model.layers if isinstance(l, layers.Dense)]


@pytest.mark.exercise("ch18.fix_twin", points=1)
def test_same_summary_numbers_and_layer_configs():
    seq, twin = sequential_model(), functional_twin()
    assert isinstance(twin, keras.Model) and not isinstance(twin, keras.Sequential)
    assert twin.count_params() == seq.count_params() == 3466
    assert dense_configs(twin) == dense_configs(seq)
    dense_seq = [l for l in seq.layers if isinstance(l, layers.Dense)]
    dense_twin = [l for l in twin.layers if isinstance(l, layers.Dense)]
    assert [l.output_shape for l in dense_twin] == [l.output_shape for l in dense_seq]


@pytest.mark.exercise("ch18.fix_twin", points=1)
def test_same_weights_same_predictions():
    seq, twin = sequential_model(), functional_twin()
    twin.set_weights(seq.get_weights())
    x = np.random.default_rng(0).random((6, 64), dtype=np.float32)
    np.testing.assert_allclose(twin.predict(x, verbose=0), seq.predict(x, verbose=0), rtol=1e-5, atol=1e-7)
