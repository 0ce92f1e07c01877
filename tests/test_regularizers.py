"""minikeras.regularizers: OrthogonalRegularizer's penalty and gradient, and deserialize."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import ops, regularizers


def _penalty_reference(w, factor, mode):
    w = w.astype("float64")
    if mode == "columns":
        w = w.T
    unit = w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-7)
    product = unit @ unit.T
    n = w.shape[0]
    return factor * 0.5 * np.abs(product - np.diag(np.diag(product))).sum() / (n * (n - 1) / 2)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_penalty(mode):
    w = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    got = float(np.asarray(regularizers.OrthogonalRegularizer(0.3, mode)(w)))
    np.testing.assert_allclose(got, _penalty_reference(w, 0.3, mode), rtol=1e-5)
    assert float(np.asarray(regularizers.OrthogonalRegularizer(1.0, "rows")(np.eye(3, dtype="float32")))) == 0.0


def test_orthogonal_regularizer_gradient_makes_rows_more_orthogonal():
    w = keras.Variable(np.array([[1.0, 0.2], [0.9, 0.4]]))
    reg = regularizers.orthogonal_regularizer(1.0)
    before = float(np.asarray(reg(w)))
    for _ in range(20):
        with ops.GradientTape() as tape:
            penalty = reg(w)
        w.assign_sub(0.1 * np.asarray(tape.gradient(penalty, w)))
    assert float(np.asarray(reg(w))) < before


def test_orthogonal_regularizer_config_and_errors():
    reg = regularizers.OrthogonalRegularizer(0.1, mode="columns")
    assert reg.get_config() == {"factor": float(np.float32(0.1)), "mode": "columns"}
    back = regularizers.deserialize(regularizers.serialize(reg))
    assert isinstance(back, regularizers.OrthogonalRegularizer) and back.get_config() == reg.get_config()
    assert isinstance(regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer)
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="non-negative float"):
        regularizers.OrthogonalRegularizer(-1.0)
    with pytest.raises(ValueError, match="rank 2"):
        reg(np.ones((2, 2, 2), dtype="float32"))


def test_orthogonal_regularizer_on_a_dense_kernel_adds_to_the_losses():
    inputs = keras.Input((4,))
    layer = keras.layers.Dense(3, kernel_regularizer=regularizers.OrthogonalRegularizer(0.5, "columns"))
    model = keras.Model(inputs, layer(inputs))
    model(np.ones((1, 4), dtype="float32"))
    expected = _penalty_reference(layer.kernel.numpy(), 0.5, "columns")
    np.testing.assert_allclose(float(np.asarray(sum(model.losses))), expected, rtol=1e-5)


def test_deserialize_builtin_and_custom():
    assert regularizers.deserialize(regularizers.serialize(regularizers.L2(0.3))).get_config() == {"l2": 0.3}

    class Half(regularizers.Regularizer):
        def __call__(self, x):
            return ops.multiply(0.5, ops.sum(x))
    config = {"module": "test", "class_name": "Half", "config": {}, "registered_name": None}
    assert isinstance(regularizers.deserialize(config, custom_objects={"Half": Half}), Half)
    with pytest.raises(ValueError, match="unknown class 'Half'"):
        regularizers.deserialize(config)


def test_prelu_alpha_regularizer_adds_its_penalty_and_is_saved():
    layer = keras.layers.PReLU(alpha_initializer="ones", alpha_regularizer=regularizers.L2(0.5))
    layer(np.ones((1, 3), "float32"))
    np.testing.assert_allclose([float(np.asarray(loss)) for loss in layer.losses], [0.5 * 3], rtol=1e-6)
    assert isinstance(keras.layers.PReLU.from_config(layer.get_config()).alpha_regularizer, regularizers.L2)
