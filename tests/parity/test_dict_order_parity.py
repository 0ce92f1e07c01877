"""Dict order parity with real Keras 3 (torch backend): a model built from dicts has the same
``inputs``, ``outputs``, ``output_names`` and layer order, ``predict`` keys, logs keys and
result list as in Keras; ``tree`` walks dicts as ``keras.tree`` does.

Skipped when keras is not importable.
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402


def _dict_model(lib, weights=None):
    xb, xa = lib.Input((3,), name="xb"), lib.Input((2,), name="xa")
    h = lib.layers.Concatenate(name="cat")([xb, xa])
    zeta = lib.layers.Dense(1, name="b_out")(h)
    alpha = lib.layers.Dense(2, name="a_out")(h)
    mid = lib.layers.Dense(1, name="c_out")(h)
    model = lib.Model({"zb": xb, "ya": xa}, {"zeta": zeta, "alpha": alpha, "mid": mid})
    if weights is not None:
        model.set_weights(weights)
    return model


def _both():
    kmodel = _dict_model(keras)
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.5, np.shape(w)).astype("float32") for w in kmodel.get_weights()]
    kmodel.set_weights(weights)
    return kmodel, _dict_model(minikeras, weights)


rng = np.random.default_rng(1)
X = {"zb": rng.normal(size=(8, 3)).astype("float32"), "ya": rng.normal(size=(8, 2)).astype("float32")}
Y = {"zeta": rng.normal(size=(8, 1)).astype("float32"), "alpha": rng.normal(size=(8, 2)).astype("float32"),
     "mid": rng.normal(size=(8, 1)).astype("float32")}


def test_tree_walks_dicts_as_keras_tree():
    structures = [{"b": 1, "a": 2}, [{"b": 1, "a": 2}, ({"d": 3, "c": 4},)], {"b": [1, 2], "a": (3, {"q": 4})}]
    for structure in structures:
        assert minikeras.tree.flatten(structure) == keras.tree.flatten(structure)
        packed_k = keras.tree.pack_sequence_as(structure, list(range(len(keras.tree.flatten(structure)))))
        packed_m = minikeras.tree.pack_sequence_as(structure, list(range(len(keras.tree.flatten(structure)))))
        assert packed_m == packed_k and list(packed_m) == list(packed_k)
    mapped = minikeras.tree.map_structure(lambda v: v * 10, {"b": 1, "a": 2})
    assert list(mapped) == list(keras.tree.map_structure(lambda v: v * 10, {"b": 1, "a": 2}))


def test_inputs_outputs_names_layers_and_predict_keys_match():
    kmodel, mmodel = _both()
    assert [t.name for t in mmodel.inputs] == [t.name for t in kmodel.inputs]
    assert [tuple(t.shape) for t in mmodel.outputs] == [tuple(t.shape) for t in kmodel.outputs]
    assert mmodel.output_names == kmodel.output_names
    assert [layer.name for layer in mmodel.layers] == [layer.name for layer in kmodel.layers]
    k_pred, m_pred = kmodel.predict(X, verbose=0), mmodel.predict(X, verbose=0)
    assert list(m_pred) == list(k_pred)
    for key in k_pred:
        np.testing.assert_allclose(m_pred[key], k_pred[key], rtol=1e-5, atol=1e-6)


def test_evaluate_list_logs_keys_and_history_match():
    kmodel, mmodel = _both()
    for model in (kmodel, mmodel):
        model.compile("sgd", loss={"mid": "mse", "alpha": "mse", "zeta": "mae"},
                      metrics={"zeta": ["mae"], "mid": "mse", "alpha": ["mse", "mae"]})
    k_list = kmodel.evaluate(X, Y, verbose=0)
    m_list = mmodel.evaluate(X, Y, verbose=0)
    np.testing.assert_allclose(m_list, k_list, rtol=1e-5, atol=1e-6)
    k_dict = kmodel.evaluate(X, Y, verbose=0, return_dict=True)
    m_dict = mmodel.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(m_dict) == list(k_dict)
    np.testing.assert_allclose(m_list, mmodel.test_on_batch(X, Y), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(kmodel.test_on_batch(X, Y), mmodel.test_on_batch(X, Y), rtol=1e-5, atol=1e-6)

    def record(lib, seen):
        return lib.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(list(logs)),
                                            on_epoch_end=lambda epoch, logs: seen.append(list(logs)))
    k_seen, m_seen = [], []
    k_hist = kmodel.fit(X, Y, epochs=1, batch_size=8, verbose=0, validation_data=(X, Y),
                        callbacks=[record(keras, k_seen)])
    m_hist = mmodel.fit(X, Y, epochs=1, batch_size=8, verbose=0, validation_data=(X, Y),
                        callbacks=[record(minikeras, m_seen)])
    assert m_seen == k_seen
    assert list(m_hist.history) == list(k_hist.history)


def test_a_loss_list_and_target_list_follow_the_sorted_outputs():
    kmodel, mmodel = _both()
    for model in (kmodel, mmodel):
        model.compile("sgd", loss=["mse", "mae", "mse"])
    y_list = [Y["alpha"], Y["mid"], Y["zeta"]]
    k_logs = kmodel.evaluate(X, y_list, verbose=0, return_dict=True)
    m_logs = mmodel.evaluate(X, y_list, verbose=0, return_dict=True)
    assert list(m_logs) == list(k_logs)
    np.testing.assert_allclose([m_logs[k] for k in k_logs], [float(v) for v in k_logs.values()], rtol=1e-5)
