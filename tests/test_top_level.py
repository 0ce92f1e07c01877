"""Keras 3's top-level names (keras.Layer, keras.Loss, keras.Variable, ..., keras.version()):
they are the minikeras classes themselves, and subclasses of them work where Keras's do."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops


def test_top_level_names_are_the_package_classes():
    assert keras.Layer is layers.Layer
    assert keras.InputSpec is layers.InputSpec
    assert keras.Loss is keras.losses.Loss
    assert keras.Metric is keras.metrics.Metric
    assert keras.Optimizer is keras.optimizers.Optimizer
    assert keras.Initializer is keras.initializers.Initializer
    assert keras.Regularizer is keras.regularizers.Regularizer
    assert keras.Variable is ops.Variable
    assert keras.constraints.Constraint.__module__ == "minikeras.constraints"
    for cls in (layers.Dense, layers.Conv2D, layers.LSTM, keras.Model, keras.Sequential):
        assert issubclass(cls, keras.Layer)
    assert issubclass(keras.losses.MeanSquaredError, keras.Loss)
    assert issubclass(keras.metrics.Accuracy, keras.Metric)
    assert issubclass(keras.optimizers.Adam, keras.Optimizer)
    assert issubclass(keras.initializers.GlorotUniform, keras.Initializer)
    assert issubclass(keras.regularizers.L2, keras.Regularizer)
    assert isinstance(keras.Input((3,)), keras.KerasTensor)


def test_version():
    assert keras.version() == keras.__version__
    assert isinstance(keras.__version__, str) and keras.__version__.count(".") == 2


def test_layer_weights_are_keras_variables():
    dense = layers.Dense(2)
    dense.build((None, 3))
    assert all(isinstance(w, keras.Variable) for w in dense.weights)


def test_variable_from_a_value_or_an_initializer():
    v = keras.Variable(np.arange(6.0).reshape(2, 3), name="w")
    assert v.shape == (2, 3) and v.dtype == "float32" and v.name == "w" and v.trainable
    assert keras.Variable(np.arange(3)).dtype == "int64"
    z = keras.Variable("zeros", shape=(2, 2), dtype="float64", trainable=False)
    assert z.dtype == "float64" and not z.trainable and (z.numpy() == 0).all()
    o = keras.Variable(keras.initializers.Ones(), shape=(3,))
    np.testing.assert_array_equal(o.numpy(), np.ones(3))
    c = keras.Variable(lambda shape, dtype: np.full(shape, 7, dtype), shape=(2,))
    np.testing.assert_array_equal(c.numpy(), [7, 7])
    assert v.aggregation == "none" and v.synchronization == "auto"
    with pytest.raises(ValueError, match="the `shape` argument should be specified"):
        keras.Variable("zeros")
    with pytest.raises(ValueError, match=r"initial value has shape \(2,\).*\(3,\)"):
        keras.Variable(np.ones(2), shape=(3,))
    with pytest.raises(ValueError, match="`aggregation`"):
        keras.Variable(np.ones(2), aggregation="avg")
    with pytest.raises(ValueError, match="`synchronization`"):
        keras.Variable(np.ones(2), synchronization="sometimes")


def test_variable_assigns_differentiates_and_trains():
    v = keras.Variable(np.array([1.0, -2.0]))
    v.assign([3.0, 4.0])
    v.assign_add(np.ones(2))
    np.testing.assert_array_equal(v.numpy(), [4.0, 5.0])
    with ops.GradientTape() as tape:
        loss = ops.sum(ops.square(v))
    grad = tape.gradient(loss, v)
    np.testing.assert_allclose(np.asarray(grad), [8.0, 10.0])
    opt = keras.optimizers.SGD(learning_rate=0.1)
    opt.apply_gradients([(grad, v)])
    np.testing.assert_allclose(v.numpy(), [3.2, 4.0])
    with pytest.raises(ValueError, match="Cannot assign a value of shape"):
        v.assign(np.ones(3))


class ScaledMSE(keras.Loss):
    """A custom loss, written against keras.Loss as Keras 3's guides do."""

    def __init__(self, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        return ops.multiply(self.scale, ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1))

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


class MaxAbsError(keras.Metric):
    def __init__(self, name="max_abs_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.worst = self.add_variable(shape=(), initializer="zeros", name="worst")

    def update_state(self, y_true, y_pred, sample_weight=None):
        err = np.max(np.abs(np.asarray(y_true) - np.asarray(y_pred)))
        self.worst.assign(max(float(self.worst.numpy()), float(err)))

    def result(self):
        return self.worst.numpy()


def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, layers.Dense(1, kernel_initializer="ones", use_bias=False)(inputs))


def test_custom_loss_subclass_in_compile_and_fit():
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True) * 0.5
    model = _model()
    model.compile(optimizer="sgd", loss=ScaledMSE(scale=3.0), metrics=[MaxAbsError()])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    expected = 3.0 * np.mean((x.sum(axis=1) - y[:, 0]) ** 2)
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(logs["max_abs_error"], np.max(np.abs(x.sum(axis=1) - y[:, 0])), rtol=1e-5)
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < expected


def test_custom_initializer_and_regularizer_subclasses():
    class Fives(keras.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 5.0, dtype=dtype)

    class SumPenalty(keras.Regularizer):
        def __call__(self, x):
            return ops.multiply(0.1, ops.sum(x))

    layer = layers.Dense(2, kernel_initializer=Fives(), kernel_regularizer=SumPenalty(), use_bias=False)
    inputs = keras.Input((2,))
    model = keras.Model(inputs, layer(inputs))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.full((2, 2), 5.0))
    model(np.ones((1, 2), dtype="float32"))
    np.testing.assert_allclose(float(np.asarray(sum(model.losses))), 0.1 * 20.0, rtol=1e-6)


def test_custom_layer_subclass_of_keras_layer():
    class Scale(keras.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, x):
            return ops.multiply(x, self.scale)

    inputs = keras.Input((4,))
    model = keras.Model(inputs, Scale()(inputs))
    np.testing.assert_array_equal(model.predict(np.ones((2, 4)), verbose=0), np.ones((2, 4)))
    assert isinstance(model.layers[1].scale, keras.Variable)


class Affine(keras.Layer):
    """Weights made with keras.Variable and assigned as attributes, as Keras 3's guides allow."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.calls = keras.Variable(np.zeros(()), trainable=False, name="calls")

    def build(self, input_shape):
        self.w = keras.Variable("ones", shape=(input_shape[-1], self.units), name="w")
        self.b = keras.Variable(np.zeros(self.units), name="b")

    def call(self, x):
        return ops.add(ops.matmul(x, self.w), self.b)


def test_variables_assigned_as_attributes_are_layer_weights(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, Affine(2)(inputs))
    layer = model.layers[1]
    assert [v.name for v in layer.trainable_weights] == ["w", "b"]
    assert [v.name for v in layer.non_trainable_weights] == ["calls"]
    layer.w = layer.w                                  # assigning again does not count it twice
    assert len(layer.weights) == 3 and model.count_params() == 3 * 2 + 2 + 1
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x @ np.array([[1.0, -1.0], [2.0, 0.0], [0.5, 0.5]], dtype="float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = layer.w.numpy().copy()
    model.fit(x, y, epochs=3, verbose=0)
    assert not np.allclose(layer.w.numpy(), before)    # the optimizer trains them
    model.save_weights(tmp_path / "affine.weights.h5")
    inputs2 = keras.Input((3,))
    clone = keras.Model(inputs2, Affine(2)(inputs2))
    clone.load_weights(tmp_path / "affine.weights.h5")
    np.testing.assert_array_equal(clone.layers[1].w.numpy(), layer.w.numpy())


def test_importing_minikeras_freezes_what_the_import_made():
    """The import's long-lived objects leave the garbage collector's scans (minikeras/__init__.py
    says why); objects made afterwards are collected as usual."""
    import subprocess
    import sys
    code = ("import gc, minikeras, weakref\n"
            "class Cycle: pass\n"
            "a = Cycle(); a.me = a; alive = weakref.ref(a); del a\n"
            "gc.collect(); print(gc.get_freeze_count(), alive() is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    frozen, collected = out.stdout.split()
    assert int(frozen) > 20_000 and collected == "True"
