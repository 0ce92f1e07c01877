"""A 0-d weight (``add_weight(shape=())``, a learned temperature or scale) trains with every
optimizer, and moves exactly as the same value held in a one-element weight would: the
update kernels work on flat views, and a 0-d gradient arrives as a numpy scalar."""
import numpy as np
import pytest

import minikeras as keras

OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}), ("Adagrad", {}), ("Adadelta", {}),
    ("Adamax", {}), ("Nadam", {}), ("Lion", {}),
]


class Scale(keras.layers.Layer):
    """``x * s`` with a learned scale ``s`` of shape ``shape`` (``()`` or ``(1,)``)."""

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.weight_shape = shape

    def build(self, input_shape):
        self.s = self.add_weight(name="s", shape=self.weight_shape, initializer="ones")

    def call(self, x):
        return x * self.s


def _train(shape, name, options):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Scale(shape)(inputs))
    model.compile(getattr(keras.optimizers, name)(learning_rate=0.05, **options), "mse")
    x = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
    history = model.fit(x, 2.5 * x, batch_size=4, epochs=3, shuffle=False, verbose=0)
    return model.get_weights()[0], history.history["loss"]


@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=[n + "".join(f"-{k}" for k in o) for n, o in OPTIMIZERS])
def test_a_scalar_weight_trains_like_a_one_element_weight(name, options):
    scalar, scalar_losses = _train((), name, options)
    single, single_losses = _train((1,), name, options)
    assert scalar.shape == ()
    assert float(scalar) != 1.0, "the weight did not move"
    np.testing.assert_allclose(scalar.reshape(1), single, rtol=1e-6)
    np.testing.assert_allclose(scalar_losses, single_losses, rtol=1e-6)


def test_apply_gradients_takes_a_python_float_for_a_scalar_variable():
    var = keras.Variable(1.0)
    optimizer = keras.optimizers.Adam(learning_rate=0.1)
    optimizer.apply_gradients([(np.float32(2.0), var)])
    assert var.shape == () and np.isclose(float(var.value), 0.9)
