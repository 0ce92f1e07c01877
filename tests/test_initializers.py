"""minikeras.initializers: Keras 3's other names for the classes, and deserialize."""
import numpy as np
import pytest

from minikeras import initializers


@pytest.mark.parametrize("alias,cls", [
    ("constant", "Constant"), ("glorot_normal", "GlorotNormal"), ("he_normal", "HeNormal"),
    ("he_uniform", "HeUniform"), ("identity", "Identity"), ("lecun_normal", "LecunNormal"),
    ("lecun_uniform", "LecunUniform"), ("random_normal", "RandomNormal"), ("random_uniform", "RandomUniform"),
    ("truncated_normal", "TruncatedNormal"), ("variance_scaling", "VarianceScaling"),
    ("IdentityInitializer", "Identity"), ("OrthogonalInitializer", "Orthogonal"),
])
def test_aliases_are_the_classes(alias, cls):
    assert getattr(initializers, alias) is getattr(initializers, cls)


def test_lowercase_aliases_make_working_initializers():
    w = initializers.he_normal(seed=1)((200, 100))
    assert w.shape == (200, 100) and abs(w.std() - np.sqrt(2 / 200)) < 0.01
    np.testing.assert_array_equal(initializers.constant(3.0)((2,)), [3.0, 3.0])


def test_deserialize():
    init = initializers.deserialize(initializers.serialize(initializers.VarianceScaling(2.0, "fan_out")))
    assert isinstance(init, initializers.VarianceScaling)
    assert init.get_config()["scale"] == 2.0 and init.get_config()["mode"] == "fan_out"

    class Sevens(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 7.0, dtype=dtype)
    config = {"module": None, "class_name": "Sevens", "config": {}, "registered_name": "Sevens"}
    assert isinstance(initializers.deserialize(config, custom_objects={"Sevens": Sevens}), Sevens)
    with pytest.raises(ValueError, match="unknown class 'Sevens'"):
        initializers.deserialize(config)
