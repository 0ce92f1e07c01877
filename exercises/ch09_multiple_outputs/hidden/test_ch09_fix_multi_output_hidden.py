import numpy as np
import pytest

from fix_multi_output import fixed_two_head_model


@pytest.mark.exercise("ch09.fix_multi_output", points=1)
def test_sequence_head_is_the_same_dense_at_every_step():
    model = fixed_two_head_model()
    x = np.random.default_rng(1).normal(size=(2, 30, 2)).astype("float32")
    features = np.asarray(model.layers[1](x))                      # (2, 30, 6)
    kernel, bias = model.layers[4].get_weights()
    _, per_step = model.predict(x, verbose=0)
    np.testing.assert_allclose(per_step, features @ kernel + bias, rtol=1e-4, atol=1e-5)
    assert model.layers[3].get_config()["activation"] == "sigmoid"
