"""Keras 3's configs of masked models (``engine/recorded_masks.py``): the operations that
computed a mask, written as graph nodes, are left out and the masks recomputed. The files
Keras itself writes are in ``tests/parity/test_masking_parity.py``; here the Keras entries
are written into a minikeras config by hand."""
import copy

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from minikeras.engine.recorded_masks import without_recorded_masks


def _tensor(name, shape, dtype):
    return {"class_name": "__keras_tensor__", "config": {"shape": list(shape), "dtype": dtype,
                                                         "keras_history": [name, 0, 0]}}


def _operation(class_name, name, args):
    return {"module": "keras.src.ops.numpy", "class_name": class_name, "config": {"name": name},
            "registered_name": class_name, "name": name, "inbound_nodes": [{"args": args, "kwargs": {}}]}


def _model(mask_zero=True):
    ids = keras.Input((5,), dtype="int32", name="ids")
    x = layers.Embedding(10, 3, mask_zero=mask_zero, name="emb")(ids)
    return keras.Model(ids, layers.LSTM(2, name="lstm")(x))


def _as_keras_writes_it(model):
    """The model's config with Keras's NotEqual node and the LSTM's mask= keyword."""
    config = copy.deepcopy(model.get_config())
    config["layers"].insert(2, _operation("NotEqual", "not_equal", [_tensor("ids", (None, 5), "int32"), 0]))
    lstm = next(d for d in config["layers"] if d["name"] == "lstm")
    lstm["inbound_nodes"][0]["kwargs"]["mask"] = _tensor("not_equal", (None, 5), "bool")
    return config


def test_mask_operations_are_left_out_and_the_masks_recomputed():
    model = _model()
    config = _as_keras_writes_it(model)
    cleaned, masked_calls = without_recorded_masks(config)
    assert [d["name"] for d in cleaned["layers"]] == [d["name"] for d in model.get_config()["layers"]]
    assert masked_calls == [("lstm", 0)]
    assert "mask" not in next(d for d in cleaned["layers"] if d["name"] == "lstm")["inbound_nodes"][0]["kwargs"]
    keras.backend.clear_session()
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    ids = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0]])
    np.testing.assert_allclose(rebuilt.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6)


def test_a_mask_the_layers_would_not_make_keeps_its_operations():
    """The Embedding makes no mask, so the recorded ``not_equal`` is the only source of the
    LSTM's mask: the model is rebuilt with it as an op node and the call's ``mask=``."""
    model = _model(mask_zero=False)
    config = _as_keras_writes_it(model)
    keras.backend.clear_session()
    rebuilt = keras.Model.from_config(config)
    assert [op.name for op in rebuilt.operations] == ["ids", "emb", "not_equal", "lstm"]
    rebuilt.set_weights(model.get_weights())
    ids = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0]])
    masked = _model(mask_zero=True)
    masked.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(ids, verbose=0), masked.predict(ids, verbose=0), rtol=1e-6)
    assert not np.allclose(rebuilt.predict(ids, verbose=0), model.predict(ids, verbose=0))


def test_an_operation_used_for_values_stays():
    """``abs(ids)`` fed to the Embedding is not a mask: it stays, and is rebuilt as the op
    ``ops.absolute`` between the input and the Embedding (ops/operation.py)."""
    model = _model()
    config = _as_keras_writes_it(model)
    config["layers"].insert(1, _operation("Absolute", "absolute", [_tensor("ids", (None, 5), "int32")]))
    emb = next(d for d in config["layers"] if d["name"] == "emb")
    emb["inbound_nodes"][0]["args"] = [_tensor("absolute", (None, 5), "int32")]
    cleaned, _ = without_recorded_masks(config)
    assert "absolute" in [d["name"] for d in cleaned["layers"]]
    assert "not_equal" not in [d["name"] for d in cleaned["layers"]]
    keras.backend.clear_session()
    rebuilt = keras.Model.from_config(config)
    names = [op.name for op in rebuilt.operations]
    assert "absolute" in names and "not_equal" not in names
    rebuilt.set_weights(model.get_weights())
    ids = np.array([[1, 2, 3, 0, 0], [4, 0, 0, 0, 0]])
    # abs of ids >= 0 is the ids: the same values and the same masks reach the LSTM
    np.testing.assert_allclose(rebuilt.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(rebuilt.predict(-ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6)


def test_an_operation_that_is_an_output_is_not_a_mask():
    """A model whose output is an op (``abs`` of the LSTM's output): its name in
    ``output_layers``, alone or in a list, keeps it."""
    model = _model()
    config = _as_keras_writes_it(model)
    lstm_out = _tensor("lstm", (None, 2), "float32")
    config["layers"].append(_operation("Absolute", "absolute", [lstm_out]))
    for outputs in (["absolute", 0, 0], [["absolute", 0, 0]], {"y": ["absolute", 0, 0]}):
        cleaned, _ = without_recorded_masks(dict(config, output_layers=outputs))
        assert "absolute" in [d["name"] for d in cleaned["layers"]]
        assert "not_equal" not in [d["name"] for d in cleaned["layers"]]


def test_an_operation_that_is_a_model_output_stays():
    """A mask operation that is also an output of the model is not only a mask: it stays."""
    config = _as_keras_writes_it(_model())
    config["output_layers"] = [config["output_layers"][0], ["not_equal", 0, 0]]
    cleaned, _ = without_recorded_masks(config)
    assert "not_equal" in [d["name"] for d in cleaned["layers"]]
