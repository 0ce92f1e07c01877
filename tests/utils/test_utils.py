"""minikeras.utils: normalize, is_keras_tensor, clear_session (pad_sequences has
tests/utils/test_sequence_utils.py), and models.save_model."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import ops
from minikeras.utils import normalize


def test_normalize_numpy_arrays_like_keras():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]])
    out = normalize(x)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [2 ** -0.5, 2 ** -0.5]])
    np.testing.assert_allclose(normalize(x, axis=0)[:, 0], [3 / np.sqrt(10), 0, 1 / np.sqrt(10)])
    np.testing.assert_allclose(normalize(np.array([[3.0, -1.0]]), order=1), [[0.75, -0.25]])


def test_normalize_tensors_is_differentiable():
    x = ops.convert_to_tensor(np.array([[3.0, 4.0]]))
    with ops.GradientTape() as tape:
        tape.watch(x)
        y = normalize(x)
        first = ops.sum(ops.multiply(y, np.array([[1.0, 0.0]], dtype="float32")))
    np.testing.assert_allclose(np.asarray(y), [[0.6, 0.8]], rtol=1e-6)
    # d(x0 / |x|)/dx = (|x|^2 e0 - x0 x) / |x|^3
    np.testing.assert_allclose(np.asarray(tape.gradient(first, x)), [[16 / 125, -12 / 125]], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(normalize([1.0, 1.0], order=1)), [0.5, 0.5])
    np.testing.assert_allclose(np.asarray(normalize(ops.convert_to_tensor(np.zeros(2)))), [0.0, 0.0])
    with pytest.raises(ValueError, match="`order` must be an int >= 1"):
        normalize(np.ones(2), order=0)


def test_is_keras_tensor():
    assert keras.utils.is_keras_tensor(keras.Input((2,)))
    assert keras.utils.is_keras_tensor(keras.layers.Dense(2)(keras.Input((2,))))
    assert not keras.utils.is_keras_tensor(np.ones(2))
    assert not keras.utils.is_keras_tensor(ops.convert_to_tensor(np.ones(2)))


def test_clear_session_restarts_names():
    keras.layers.Dense(2)
    keras.utils.clear_session()
    assert keras.layers.Dense(2).name == "dense_1"
    keras.utils.clear_session(free_memory=False)
    assert keras.layers.Dense(2).name == "dense_1"


def test_models_save_model(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    keras.models.save_model(model, tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileExistsError):
        keras.models.save_model(model, tmp_path / "m.keras", overwrite=False)
    with pytest.raises(ValueError, match="zipped=False"):
        keras.models.save_model(model, tmp_path / "m2.keras", zipped=False)
