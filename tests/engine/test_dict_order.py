"""Models built from dicts: which position each key gets.

Keras 3 flattens a dict by sorted key (``keras.tree``), so a model built with
``outputs={"zeta": z, "alpha": a}`` has ``model.outputs == [a, z]``; lists given for such a
model (a loss list, target or input list) are matched by that order; ``predict`` returns the
dict with sorted keys; the logs (callbacks, ``History``, ``return_dict``) have sorted keys and
the result lists put ``loss``, then the per-output losses (in the loss dict's order), then the
metrics. The values below were measured with Keras 3.15 (torch backend); see also
``tests/parity/test_dict_order_parity.py``.
"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers


def dict_model():
    """Inputs ``{"zb": (3,), "ya": (2,)}``, outputs ``{"zeta": (1,), "alpha": (2,)}``; the
    output layers start at zero, so every prediction is 0 and each loss is known exactly."""
    xb, xa = keras.Input((3,), name="xb"), keras.Input((2,), name="xa")
    h = layers.Concatenate(name="cat")([xb, xa])
    zeta = layers.Dense(1, name="b_out", kernel_initializer="zeros")(h)
    alpha = layers.Dense(2, name="a_out", kernel_initializer="zeros")(h)
    return keras.Model({"zb": xb, "ya": xa}, {"zeta": zeta, "alpha": alpha})


X = {"zb": np.ones((4, 3), "float32"), "ya": np.full((4, 2), 2.0, "float32")}
Y = {"zeta": np.full((4, 1), 3.0, "float32"), "alpha": np.full((4, 2), 2.0, "float32")}


def test_inputs_outputs_and_layers_are_in_sorted_key_order():
    model = dict_model()
    assert [t.name for t in model.inputs] == ["xa", "xb"]            # keys "ya" < "zb"
    assert [tuple(t.shape) for t in model.outputs] == [(None, 2), (None, 1)]
    assert model.output_names == ["a_out", "b_out"]
    assert [layer.name for layer in model.layers] == ["xb", "xa", "cat", "a_out", "b_out"]


def test_predict_and_call_return_dicts_with_sorted_keys():
    model = dict_model()
    predicted = model.predict(X, verbose=0)
    assert list(predicted) == ["alpha", "zeta"]
    assert predicted["alpha"].shape == (4, 2) and predicted["zeta"].shape == (4, 1)
    assert list(model({"ya": X["ya"], "zb": X["zb"]})) == ["alpha", "zeta"]


def test_lists_given_for_dict_outputs_and_inputs_follow_the_sorted_order():
    model = dict_model()
    model.compile("sgd", loss=["mse", "mae"])   # alpha gets mse, zeta gets mae
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert logs["alpha_loss"] == pytest.approx(4.0) and logs["zeta_loss"] == pytest.approx(3.0)
    # targets and inputs as lists: in model.outputs / model.inputs order
    as_lists = model.evaluate([X["ya"], X["zb"]], [Y["alpha"], Y["zeta"]], verbose=0, return_dict=True)
    assert as_lists == pytest.approx(logs)
    with pytest.raises(ValueError, match="Input 'ya'"):
        model.evaluate([X["zb"], X["ya"]], [Y["alpha"], Y["zeta"]], verbose=0)


def test_logs_are_sorted_and_result_lists_put_the_losses_first():
    model = dict_model()
    model.compile("sgd", loss={"zeta": "mse", "alpha": "mae"},
                  metrics={"zeta": ["mae"], "alpha": ["mse", "mae"]})
    expected = {"alpha_loss": 2.0, "alpha_mae": 2.0, "alpha_mse": 4.0, "loss": 11.0, "zeta_loss": 9.0,
                "zeta_mae": 3.0}
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(logs) == sorted(expected) and logs == pytest.approx(expected)
    # loss, the per-output losses in the loss dict's order, then the metrics sorted
    assert model.metrics_names == ["loss", "zeta_loss", "alpha_loss", "alpha_mae", "alpha_mse", "zeta_mae"]
    assert model.evaluate(X, Y, verbose=0) == pytest.approx([11.0, 9.0, 2.0, 2.0, 4.0, 3.0])
    assert model.test_on_batch(X, Y) == pytest.approx([11.0, 9.0, 2.0, 2.0, 4.0, 3.0])

    seen = []
    recorder = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(list(logs)),
                                              on_epoch_end=lambda epoch, logs: seen.append(list(logs)))
    history = model.fit(X, Y, epochs=1, batch_size=4, verbose=0, validation_data=(X, Y), callbacks=[recorder])
    assert seen[0] == sorted(expected)
    assert seen[-1] == list(history.history) == sorted(list(expected) + ["val_" + k for k in expected])


def test_a_single_output_lists_its_metrics_in_compile_order_and_logs_them_sorted():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(1, kernel_initializer="zeros")(inputs))
    model.compile("sgd", "mse", metrics=["mse", "mae"])
    y = np.full((4, 1), 2.0, "float32")
    assert model.evaluate(X["zb"], y, verbose=0) == pytest.approx([4.0, 4.0, 2.0])   # loss, mse, mae
    assert list(model.evaluate(X["zb"], y, verbose=0, return_dict=True)) == ["loss", "mae", "mse"]


def test_the_config_keeps_the_dicts_as_written():
    config = dict_model().get_config()
    assert list(config["input_layers"]) == ["zb", "ya"]
    assert list(config["output_layers"]) == ["zeta", "alpha"]
    rebuilt = keras.Model.from_config(config)
    assert [t.name for t in rebuilt.inputs] == ["xa", "xb"] and rebuilt.output_names == ["a_out", "b_out"]
