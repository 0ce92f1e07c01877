import numpy as np
import pytest

from fix_missing_merge import fixed_two_branch_model


@pytest.mark.exercise("ch06.fix_missing_merge", points=1)
def test_output_reads_both_branches():
    model = fixed_two_branch_model()
    coarse_conv = model.layers[2]
    kernel, bias = coarse_conv.get_weights()
    x = np.random.default_rng(1).random((2, 28, 28, 1), dtype=np.float32)
    before = model.predict(x, verbose=0)
    coarse_conv.set_weights([kernel, bias + 1.0])      # changing only the coarse branch
    assert not np.allclose(model.predict(x, verbose=0), before)
    assert [layer.get_config().get("activation") for layer in model.layers if "activation" in
            layer.get_config()] == ["relu", "relu", "sigmoid"]
