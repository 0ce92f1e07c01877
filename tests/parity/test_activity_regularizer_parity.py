"""``activity_regularizer`` and ``layers.ActivityRegularization`` against real Keras 3: the
penalty on a layer's outputs (divided by the batch size) joins the training loss with the
same value, training follows the same path, and the setting crosses in ``.keras`` files.

Run with the parity environment (Keras 3 on the torch backend):
    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_activity_regularizer_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

RTOL, ATOL = 1e-4, 1e-5


def dense_stack(lib):
    x = lib.Input((6,))
    h = lib.layers.Dense(5, activation="tanh", activity_regularizer=lib.regularizers.L1L2(l1=0.01, l2=0.05))(x)
    h = lib.layers.ActivityRegularization(l1=0.02, l2=0.01)(h)
    return lib.Model(x, lib.layers.Dense(2, activity_regularizer="l2")(h))


def conv_and_recurrent(lib):
    x = lib.Input((6, 6, 2))
    h = lib.layers.Conv2D(3, 3, activity_regularizer=lib.regularizers.L2(0.02))(x)
    h = lib.layers.Reshape((4, 12))(h)
    h = lib.layers.LSTM(4, activity_regularizer=lib.regularizers.L1(0.03))(h)
    return lib.Model(x, lib.layers.Dense(2)(h))


def embedding_and_attention(lib):
    x = lib.Input((5,), dtype="int32")
    h = lib.layers.Embedding(9, 4, activity_regularizer=lib.regularizers.L2(0.01))(x)
    h = lib.layers.MultiHeadAttention(2, 2, activity_regularizer=lib.regularizers.L1(0.01))(h, h)
    return lib.Model(x, lib.layers.Dense(2)(lib.layers.Flatten()(h)))


CASES = {"dense": (dense_stack, (6,)), "conv_lstm": (conv_and_recurrent, (6, 6, 2)),
         "embedding_attention": (embedding_and_attention, None)}


def _data(input_shape, n=12):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 9, (n, 5)).astype("int32") if input_shape is None else \
        rng.standard_normal((n,) + input_shape).astype("float32")
    return x, rng.standard_normal((n, 2)).astype("float32")


def _pair(name):
    make, input_shape = CASES[name]
    mk, kr = make(minikeras), make(keras)
    rng = np.random.default_rng(1)
    weights = [rng.normal(0, 0.5, tuple(w.shape)).astype("float32") for w in mk.get_weights()]
    mk.set_weights(weights)
    kr.set_weights(weights)
    return mk, kr, _data(input_shape)


@pytest.mark.parametrize("name", list(CASES))
def test_the_penalty_joins_the_loss_and_training_as_in_keras(name):
    mk, kr, (x, y) = _pair(name)
    mk.compile(optimizer=minikeras.optimizers.SGD(learning_rate=0.05), loss="mse")
    kr.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    mse_only = np.mean((mk.predict(x, verbose=0) - y) ** 2)
    loss = mk.evaluate(x, y, batch_size=12, verbose=0)
    assert loss > mse_only + 1e-4, "the activity penalty is missing from the loss"
    np.testing.assert_allclose(loss, kr.evaluate(x, y, batch_size=12, verbose=0), rtol=RTOL, atol=ATOL)
    h_mk = mk.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    h_kr = kr.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h_mk, h_kr, rtol=RTOL, atol=ATOL)
    for a, b in zip(mk.get_weights(), kr.get_weights()):
        np.testing.assert_allclose(a, keras.ops.convert_to_numpy(b), rtol=RTOL, atol=ATOL)


def test_an_eager_call_puts_the_penalty_in_layer_losses():
    x = np.random.default_rng(2).standard_normal((4, 3)).astype("float32")
    values = []
    for lib in (minikeras, keras):
        layer = lib.layers.Dense(2, kernel_initializer="ones", activity_regularizer=lib.regularizers.L2(0.5))
        layer(x)
        assert len(layer.losses) == 1
        values.append(float(keras.ops.convert_to_numpy(layer.losses[0])) if lib is keras
                      else float(np.asarray(layer.losses[0].value)))
    np.testing.assert_allclose(values[0], values[1], rtol=1e-5)


def test_configs_and_files_cross_both_ways(tmp_path):
    mk, kr, (x, y) = _pair("dense")
    for layer_mk, layer_kr in zip(mk.layers, kr.layers):
        c_mk, c_kr = layer_mk.get_config(), layer_kr.get_config()
        assert ("activity_regularizer" in c_mk) == ("activity_regularizer" in c_kr), layer_kr.name
        if c_kr.get("activity_regularizer") is not None:
            assert c_mk["activity_regularizer"]["config"] == c_kr["activity_regularizer"]["config"]
    mk.save(tmp_path / "m.keras")
    kr.save(tmp_path / "k.keras")
    from_mk = keras.models.load_model(tmp_path / "m.keras")
    from_kr = minikeras.models.load_model(tmp_path / "k.keras")
    for model in (from_mk, from_kr, mk, kr):
        model.compile(optimizer="sgd", loss="mse")
    expected = kr.evaluate(x, y, batch_size=12, verbose=0)
    for model in (from_mk, from_kr):
        np.testing.assert_allclose(model.evaluate(x, y, batch_size=12, verbose=0), expected, rtol=RTOL, atol=ATOL)
