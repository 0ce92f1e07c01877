"""Losses a layer adds in call(): the endpoint pattern (targets as a model input), compile()
without a loss, and layer.losses holding only the latest call's losses, as Keras 3."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops


class LogisticEndpoint(layers.Layer):
    """The Keras guide's endpoint layer, taking [targets, logits] as one list."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, inputs):
        targets, logits = inputs
        self.add_loss(self.loss_fn(targets, logits))
        return ops.softmax(logits)


def endpoint_model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")([targets, logits])
    return keras.Model(inputs=[inputs, targets], outputs=predictions)


def endpoint_data(n=12):
    rng = np.random.default_rng(0)
    return {"inputs": rng.random((n, 3)), "targets": rng.random((n, 10))}


def test_the_endpoint_pattern_trains_with_compile_without_a_loss():
    model = endpoint_model()
    assert model.losses == []          # the symbolic loss of the build is not kept
    model.compile(optimizer="adam")
    data = endpoint_data()
    history = model.fit(data, epochs=3, batch_size=4, verbose=0).history
    assert list(history) == ["loss"] and history["loss"][2] < history["loss"][0]
    # the training loss is the endpoint's loss, and nothing else
    dense = model.get_layer("dense_1") if any(l.name == "dense_1" for l in model.layers) else model.layers[1]
    logits = data["inputs"].astype("float32") @ dense.get_weights()[0] + dense.get_weights()[1]
    expected = keras.losses.BinaryCrossentropy(from_logits=True)(data["targets"], logits)
    np.testing.assert_allclose(model.evaluate(data, batch_size=12, verbose=0), float(expected), rtol=1e-5)
    assert model.predict(data, verbose=0).shape == (12, 10)
    assert len(model.losses) == 1      # those of the latest run


def test_added_losses_join_the_compiled_loss():
    class Penalty(layers.Layer):
        def call(self, x):
            self.add_loss(0.5 * ops.mean(ops.square(x)))
            return x

    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    hidden = Penalty()(layers.Dense(3)(inputs))
    model = keras.Model(inputs, layers.Dense(1)(hidden))
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).random((8, 4)).astype("float32")
    y = np.zeros((8, 1), "float32")
    hidden_values = keras.Model(inputs, model.layers[1].output).predict(x, verbose=0)
    mse = np.mean((model.predict(x, verbose=0) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=8, verbose=0),
                               mse + 0.5 * np.mean(hidden_values ** 2), rtol=1e-5)


def test_compile_without_a_loss_and_nothing_added_is_an_error():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(1)(inputs))
    model.compile("sgd")
    with pytest.raises(ValueError, match="No loss to compute. Provide a `loss` argument in `compile\\(\\)`"):
        model.fit(np.zeros((4, 4)), np.zeros((4, 1)), verbose=0)


def test_layer_losses_hold_only_the_latest_call():
    class Sum(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    layer = Sum()
    layer(np.ones((2, 2)))
    layer(np.ones((2, 2)))
    assert [float(v) for v in layer.losses] == [4.0]

    class Twice(keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = Sum()

        def call(self, x):
            return self.inner(self.inner(x) * 2.0)

    model = Twice()
    model(np.ones((1, 3)))
    model(np.ones((1, 3)))
    # inside one call both of the inner layer's losses count; the previous call's are gone
    assert sorted(float(v) for v in model.losses) == [3.0, 6.0]
    assert sorted(float(v) for v in model.inner.losses) == [3.0, 6.0]


def test_weight_penalties_stay_in_layer_losses_at_every_call():
    layer = layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1))
    layer(np.ones((1, 3)))
    layer(np.ones((1, 3)))
    assert len(layer.losses) == 1


class TwoArgumentEndpoint(layers.Layer):
    """The endpoint layer called as ``layer(targets, logits)``: two positional tensors."""

    def call(self, targets, logits, sample_weight=None):
        self.add_loss(keras.losses.BinaryCrossentropy(from_logits=True)(targets, logits, sample_weight))
        return ops.softmax(logits)


def two_argument_model(with_weights=False):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    weights = keras.Input(shape=(), name="weights") if with_weights else None
    logits = layers.Dense(10)(inputs)
    kwargs = {"sample_weight": weights} if with_weights else {}
    predictions = TwoArgumentEndpoint(name="predictions")(targets, logits, **kwargs)
    model_inputs = [inputs, targets] + ([weights] if with_weights else [])
    return keras.Model(inputs=model_inputs, outputs=predictions)


def test_an_endpoint_called_with_two_positional_tensors_trains_as_the_list_form():
    """``Endpoint()(targets, logits)`` records both tensors: the graph reaches the targets
    input, and training gives the same numbers as the one-list form of the guide."""
    data = endpoint_data()
    two, one = two_argument_model(), endpoint_model()
    node = two.get_layer("predictions")._inbound_nodes[0]
    assert [t.name for t in node.input_tensors] == ["targets", "dense_1" if "dense_1" in
                                                    [l.name for l in two.layers] else node.input_tensors[1].name]
    one.set_weights(two.get_weights())
    for model in (two, one):
        model.compile(optimizer="adam")
    h_two = two.fit(data, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    h_one = one.fit(data, epochs=3, batch_size=4, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_two, h_one, rtol=1e-6)
    assert h_two[2] < h_two[0]


def test_a_tensor_keyword_argument_is_an_input_of_the_call(tmp_path):
    model = two_argument_model(with_weights=True)
    data = endpoint_data()
    weights = np.linspace(0, 1, 12).astype("float32")
    model.compile(optimizer="sgd")
    zero = model.evaluate({**data, "weights": np.zeros(12, "float32")}, batch_size=12, verbose=0)
    full = model.evaluate({**data, "weights": weights}, batch_size=12, verbose=0)
    assert zero == 0.0 and full > 0.0
    config = model.get_config()
    call = next(l for l in config["layers"] if l["name"] == "predictions")["inbound_nodes"][0]
    assert [a["config"]["keras_history"][0] for a in call["args"]] == ["targets", model.layers[2].name]
    assert call["kwargs"]["sample_weight"]["config"]["keras_history"] == ["weights", 0, 0]
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras",
                                     custom_objects={"TwoArgumentEndpoint": TwoArgumentEndpoint})
    loaded.compile(optimizer="sgd")
    np.testing.assert_allclose(loaded.evaluate({**data, "weights": weights}, batch_size=12, verbose=0),
                               full, rtol=1e-6)


def test_a_loss_object_on_symbolic_tensors_gives_a_symbolic_loss():
    y_true, y_pred = keras.Input((5,)), keras.Input((5,))
    assert keras.losses.MeanSquaredError()(y_true, y_pred).shape == ()
    assert keras.losses.MeanSquaredError(reduction=None)(y_true, y_pred).shape == (None,)
    assert keras.losses.BinaryCrossentropy(from_logits=True)(y_true, y_pred).shape == ()


SYMBOLIC_LOSSES = {
    "MeanSquaredError": lambda: keras.losses.MeanSquaredError(),
    "MeanAbsoluteError": lambda: keras.losses.MeanAbsoluteError(),
    "Huber": lambda: keras.losses.Huber(delta=0.5),
    "CategoricalCrossentropy": lambda: keras.losses.CategoricalCrossentropy(from_logits=True),
    "KLDivergence": lambda: keras.losses.KLDivergence(),
    "CosineSimilarity": lambda: keras.losses.CosineSimilarity(),
    "mean_squared_error (a function)": lambda: lambda t, p: ops.mean(keras.losses.mean_squared_error(t, p)),
    "categorical_crossentropy (a function)": lambda: lambda t, p: ops.mean(
        keras.losses.categorical_crossentropy(t, p, from_logits=True)),
    "log_cosh (a function)": lambda: lambda t, p: ops.mean(keras.losses.log_cosh(t, p)),
}


@pytest.mark.parametrize("name", list(SYMBOLIC_LOSSES))
def test_a_loss_called_on_symbolic_tensors_inside_call_becomes_the_training_loss(name):
    """``self.add_loss(loss(targets, preds))`` inside call(): while the functional graph is
    built it gives a symbolic value (and no loss is kept); when the model runs, the real one."""
    make = SYMBOLIC_LOSSES[name]

    class Endpoint(layers.Layer):
        def call(self, targets, preds):
            self.add_loss(make()(targets, preds))
            return preds

    keras.utils.set_random_seed(0)
    inputs, targets = keras.Input((3,), name="inputs"), keras.Input((4,), name="targets")
    preds = layers.Dense(4, name="dense")(inputs)
    model = keras.Model([inputs, targets], Endpoint()(targets, preds))
    assert model.losses == []
    model.compile(optimizer="sgd")
    rng = np.random.default_rng(1)
    x, t = rng.random((8, 3)).astype("float32"), rng.random((8, 4)).astype("float32")
    expected = float(np.asarray(convert(make()(t, model.predict([x, t], verbose=0)))))
    np.testing.assert_allclose(model.evaluate([x, t], batch_size=8, verbose=0), expected, rtol=1e-5)
    before = model.get_layer("dense").get_weights()[0].copy()
    model.fit([x, t], batch_size=4, epochs=1, verbose=0)
    assert not np.allclose(before, model.get_layer("dense").get_weights()[0])


def convert(value):
    return value.value if hasattr(value, "value") else value
