"""engine/compile_utils.py: what compile() is given, resolved per output. Names fail at
compile time, structures must match the outputs, 'accuracy' becomes the right metric, and
results come back in Keras's order."""
import numpy as np
import pytest

import minikeras as keras
from minikeras.engine import compile_utils
from tests.engine.training_models import binary_data, mlp, ticket_model


def test_accuracy_is_resolved_from_the_loss_and_shapes_and_keeps_its_name():
    cases = [("binary_crossentropy", 1, "sigmoid", "BinaryAccuracy"),
             ("sparse_categorical_crossentropy", 3, "softmax", "SparseCategoricalAccuracy"),
             ("categorical_crossentropy", 3, "softmax", "CategoricalAccuracy"),
             ("mse", 1, None, "BinaryAccuracy")]
    x = np.zeros((4, 4), "float32")
    for loss, units, activation, expected in cases:
        model = mlp(units=units, activation=activation)
        model.compile("sgd", loss, metrics=["acc"])
        y = np.zeros((4, 1)) if units == 1 or loss.startswith("sparse") else np.eye(3)[[0, 1, 2, 0]]
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
        assert list(logs) == ["acc", "loss"]  # sorted keys, as Keras 3 returns them
        assert type(model._outputs[0].metrics[0][1]).__name__ == expected, loss
    model = mlp(units=3, activation="softmax")
    model.compile("sgd", "mse", metrics=["accuracy"])
    model.evaluate(x, np.array([[0], [1], [2], [0]]).astype("float32") * 0 + np.eye(3)[[0, 1, 2, 0]], verbose=0)
    assert type(model._outputs[0].metrics[0][1]).__name__ == "CategoricalAccuracy"


def test_evaluate_returns_a_float_without_metrics_and_a_list_with_them():
    x, y = binary_data()
    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", keras.metrics.AUC()])
    loss, accuracy, auc = model.evaluate(x, y, verbose=0)
    assert 0 <= accuracy <= 1 and 0 <= auc <= 1
    assert model.metrics_names == ["loss", "accuracy", "auc"]


def test_unknown_names_fail_at_compile():
    model = mlp()
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamm'"):
        model.compile("adamm", "mse")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'mean_sqared_error'"):
        model.compile("adam", "mean_sqared_error")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 'acuracy'"):
        model.compile("adam", "mse", metrics=["acuracy"])
    with pytest.raises(TypeError, match="unexpected keyword"):
        model.compile("adam", "mse", metric=["accuracy"])


def test_loss_structures_must_match_the_outputs():
    model = ticket_model()
    with pytest.raises(ValueError, match=r"one entry per model output.*2 output\(s\)"):
        model.compile("adam", loss=["mse"])
    with pytest.raises(ValueError, match=r"Unknown entries in loss dictionary: \['priorty'\]"):
        model.compile("adam", loss={"priorty": "mse", "department": "mse"})


# ---------------------------------------------------------------------------- the functions themselves

def _args(loss=None, metrics=None, loss_weights=None, weighted_metrics=None):
    return dict(loss=loss, metrics=metrics, loss_weights=loss_weights, weighted_metrics=weighted_metrics)


def test_one_loss_a_list_or_a_dict_give_one_entry_per_output():
    names, shapes = ["a", "b"], [(None, 1), (None, 3)]
    for loss in ("mse", ["mse", "mse"], {"a": "mse", "b": "mse"}):
        outputs = compile_utils.resolve_outputs(_args(loss), names, shapes)
        assert [o.loss.name for o in outputs] == ["mse", "mse"]
        assert [(o.name, o.index, o.shape) for o in outputs] == [("a", 0, (None, 1)), ("b", 1, (None, 3))]
        assert [o.tracker.name for o in outputs] == ["a_loss", "b_loss"]
    with pytest.warns(UserWarning, match=r"Output\(s\) \['b'\] missing from loss dictionary"):
        outputs = compile_utils.resolve_outputs(_args({"a": "mse"}), names, shapes)
    assert outputs[1].loss is None and outputs[1].tracker is None


def test_crossentropy_and_loss_weights_per_output():
    outputs = compile_utils.resolve_outputs(_args("crossentropy", loss_weights={"b": 0.5}), ["a", "b"],
                                            [(None, 1), (None, 3)])
    assert [o.loss_kind for o in outputs] == ["binary_crossentropy", "categorical_crossentropy"]
    assert [o.weight for o in outputs] == [1.0, 0.5] and all(o.builtin_loss for o in outputs)
    single = compile_utils.resolve_outputs(_args("mse", loss_weights=2), ["only"], [(None, 1)])
    assert single[0].weight == 2.0 and single[0].tracker is None   # one output: no per-output log


def test_metrics_per_output_and_their_log_names():
    outputs = compile_utils.resolve_outputs(_args("mse", metrics={"b": ["mae"]}, weighted_metrics=["mse"]),
                                            ["a", "b"], [(None, 1), (None, 3)])
    compile_utils.build_metrics(outputs, [np.zeros((2, 1)), np.zeros((2, 3))])
    assert compile_utils.log_names(outputs) == ["loss", "a_loss", "b_loss", "a_mse", "b_mae", "b_mse"]
    assert [weighted for _, _, weighted in outputs[1].metrics] == [False, True]
    with pytest.raises(ValueError, match=r"one list per model output. The model has 2 output\(s\), received 1"):
        compile_utils.resolve_outputs(_args("mse", metrics=[["mae"]]), ["a", "b"], [(None, 1), (None, 1)])


def test_the_compile_config_round_trips_names_and_objects():
    optimizer = keras.optimizers.Adam(0.01)
    loss = {"a": "mse", "b": keras.losses.Huber(delta=2.0)}
    config = compile_utils.compile_config(optimizer, optimizer, loss, ["mae", keras.metrics.AUC()], None, None)
    assert config["loss"]["a"] == "mse" and config["loss"]["b"]["class_name"] == "Huber"
    assert config["metrics"][0] == "mae" and config["metrics"][1]["class_name"] == "AUC"
    args = compile_utils.compile_args_from_config(config)
    assert args["optimizer"].learning_rate == pytest.approx(0.01)
    assert args["loss"]["a"] == "mse" and args["loss"]["b"].get_config()["delta"] == 2.0
    assert isinstance(args["metrics"][1], keras.metrics.AUC) and args["weighted_metrics"] is None
    by_name = compile_utils.compile_config("sgd", keras.optimizers.get("sgd"), None, None, None, None)
    assert by_name["optimizer"] == "sgd"
