"""compile / fit / evaluate / predict / train_on_batch: the seed models learn, logs are named
and ordered as in Keras, the progress display renders cleanly, and mistakes in the data
give clear errors naming the input or output."""
import io
import re
import sys
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.seed_examples.run import run_example


def _mlp(n_in=4, units=1, activation="sigmoid", name=None):
    inputs = keras.Input((n_in,), name=name)
    hidden = layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(units, activation=activation)(hidden))


def _binary_data(n=64, n_in=4, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, n_in)).astype("float32")
    return x, (x[:, :1] + x[:, 1:2] > 0).astype("float32")


# ---------------------------------------------------------------------------- the seed models learn

def test_seed002_mnist_model_reaches_92_percent_on_the_shipped_digits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    inputs = keras.Input(shape=(784,), name="img")
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.RMSprop(),
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=64, epochs=5, verbose=0)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert test_accuracy >= 0.92
    assert history.history["loss"][-1] < history.history["loss"][0] < 1.0
    assert history.history["accuracy"][-1] > 0.93


def test_seed000_cnn_learns_where_the_bright_square_is():
    namespace, _ = run_example("s000_cnn", _tmp())
    model = namespace["model"]
    rng = np.random.default_rng(0)
    n = 96
    y = rng.integers(2, size=(n, 1)).astype("float32")
    x = rng.random((n, 64, 64, 1)).astype("float32") * 0.2
    for i in range(n):  # a bright 12x12 square in the left (0) or right (1) half
        col = rng.integers(34, 50) if y[i, 0] else rng.integers(2, 18)
        row = rng.integers(2, 50)
        x[i, row:row + 12, col:col + 12, 0] += 0.8
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0)
    assert history.history["loss"][-1] < 0.25 < np.log(2)  # chance level is ln 2 = 0.693
    assert history.history["accuracy"][-1] > 0.9


def test_seed000_lstm_learns_the_sign_of_a_sequence_mean():
    namespace, _ = run_example("s000_rnn", _tmp())
    model = namespace["model"]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, 100, 1)).astype("float32") + rng.normal(size=(256, 1, 1)).astype("float32") * 0.5
    y = (x.mean(axis=(1, 2)) > 0).astype("float32")[:, None]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
    assert history.history["loss"][-1] < 0.35 < np.log(2)


def _tmp():
    import tempfile
    return tempfile.mkdtemp()


# ---------------------------------------------------------------------------- multi-input / multi-output

def _ticket_model(num_words=50, num_tags=6, num_departments=4):
    """Seed 002's ticket classifier, smaller: three dict inputs, two named outputs."""
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.LSTM(8)(layers.Embedding(num_words, 8)(title_input))
    body_features = layers.LSTM(4)(layers.Embedding(num_words, 8)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
    department_pred = layers.Dense(num_departments, activation="softmax", name="department")(x)
    return keras.Model(inputs=[title_input, body_input, tags_input], outputs=[priority_pred, department_pred])


def _ticket_data(n=64, num_words=50, num_tags=6, num_departments=4):
    rng = np.random.default_rng(0)
    x = {"title": rng.integers(num_words, size=(n, 5)), "body": rng.integers(num_words, size=(n, 12)),
         "tags": rng.integers(2, size=(n, num_tags)).astype("float32")}
    y = {"priority": rng.random(size=(n, 1)),
         "department": keras.utils.to_categorical(rng.integers(num_departments, size=n), num_departments)}
    return x, y


def test_seed002_ticket_classifier_reports_each_output_loss(capsys):
    model = _ticket_model()
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
                  loss_weights=[1.0, 0.2])
    x, y = _ticket_data()
    history = model.fit(x, y, epochs=2, batch_size=32)
    printed = capsys.readouterr().out
    assert list(history.history) == ["loss", "priority_loss", "department_loss"]
    h = history.history
    for epoch in range(2):  # the total is the weighted sum of the per-output losses
        assert h["loss"][epoch] == pytest.approx(h["priority_loss"][epoch] + 0.2 * h["department_loss"][epoch],
                                                 rel=1e-5)
    assert re.search(r"^2/2 \[=+\] - \d+s \d+m?s/step - loss: \d\.\d{4} - priority_loss: \d\.\d{4} - "
                     r"department_loss: \d\.\d{4}$", printed, re.M), printed
    assert model.metrics_names == ["loss", "priority_loss", "department_loss"]


def test_seed003_multi_input_example_runs_with_dict_losses_weights_and_accuracy():
    namespace, printed = run_example("s003_multi_input", _tmp())
    history = namespace["history"].history
    assert list(history) == ["loss", "priority_loss", "department_loss", "priority_accuracy",
                             "department_accuracy"]
    assert history["loss"][0] == pytest.approx(history["priority_loss"][0] + 0.5 * history["department_loss"][0],
                                               rel=1e-5)
    assert "priority_loss:" in printed and "department_accuracy:" in printed
    model = namespace["model"]
    # 'accuracy' became binary accuracy for the sigmoid output, categorical for the softmax one
    kinds = {name: type(metric).__name__ for out in model._outputs for name, metric, _ in out.metrics}
    assert kinds == {"priority_accuracy": "BinaryAccuracy", "department_accuracy": "CategoricalAccuracy"}


def test_multi_output_lists_evaluate_order_and_predict():
    model = _ticket_model()
    model.compile(optimizer="adam", loss=["binary_crossentropy", "categorical_crossentropy"],
                  metrics=[["accuracy"], ["accuracy", "mse"]])
    x, y = _ticket_data(n=16)
    y_list = [y["priority"], y["department"]]
    results = model.evaluate([x["title"], x["body"], x["tags"]], y_list, verbose=0)
    assert model.metrics_names == ["loss", "priority_loss", "department_loss", "priority_accuracy",
                                   "department_accuracy", "department_mse"]
    assert len(results) == 6
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == model.metrics_names
    np.testing.assert_allclose(list(as_dict.values()), results, rtol=1e-6)
    priority, department = model.predict(x, verbose=0)
    assert priority.shape == (16, 1) and department.shape == (16, 4)


# ---------------------------------------------------------------------------- compile and the logs

def test_accuracy_is_resolved_from_the_loss_and_shapes_and_keeps_its_name():
    cases = [("binary_crossentropy", 1, "sigmoid", "BinaryAccuracy"),
             ("sparse_categorical_crossentropy", 3, "softmax", "SparseCategoricalAccuracy"),
             ("categorical_crossentropy", 3, "softmax", "CategoricalAccuracy"),
             ("mse", 1, None, "BinaryAccuracy")]
    x = np.zeros((4, 4), "float32")
    for loss, units, activation, expected in cases:
        model = _mlp(units=units, activation=activation)
        model.compile("sgd", loss, metrics=["acc"])
        y = np.zeros((4, 1)) if units == 1 or loss.startswith("sparse") else np.eye(3)[[0, 1, 2, 0]]
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
        assert list(logs) == ["loss", "acc"]
        assert type(model._outputs[0].metrics[0][1]).__name__ == expected, loss
    model = _mlp(units=3, activation="softmax")
    model.compile("sgd", "mse", metrics=["accuracy"])
    model.evaluate(x, np.array([[0], [1], [2], [0]]).astype("float32") * 0 + np.eye(3)[[0, 1, 2, 0]], verbose=0)
    assert type(model._outputs[0].metrics[0][1]).__name__ == "CategoricalAccuracy"


def test_evaluate_returns_a_float_without_metrics_and_a_list_with_them():
    x, y = _binary_data()
    model = _mlp()
    model.compile("sgd", "binary_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy", keras.metrics.AUC()])
    loss, accuracy, auc = model.evaluate(x, y, verbose=0)
    assert 0 <= accuracy <= 1 and 0 <= auc <= 1
    assert model.metrics_names == ["loss", "accuracy", "auc"]


def test_train_on_batch_reports_the_loss_before_its_update():
    x, y = _binary_data(n=16)
    model = _mlp()
    model.compile(keras.optimizers.SGD(0.5), "binary_crossentropy", metrics=["accuracy"])
    before = model.test_on_batch(x, y)
    loss, accuracy = model.train_on_batch(x, y)
    assert loss == pytest.approx(before[0], rel=1e-6) and accuracy == pytest.approx(before[1])
    after = model.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < loss
    assert int(model.optimizer.iterations) == 1


def test_weight_regularizers_are_part_of_the_training_loss():
    inputs = keras.Input((3,))
    outputs = layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.1))(inputs)
    model = keras.Model(inputs, outputs)
    model.compile("sgd", "mse")
    x = np.ones((4, 3), "float32")
    y = np.zeros((4, 2), "float32")
    kernel, bias = model.get_weights()
    data_loss = np.mean((x @ kernel + bias - y) ** 2)
    penalty = 0.1 * np.sum(kernel ** 2)
    assert float(sum(float(l) for l in model.losses)) == pytest.approx(penalty, rel=1e-5)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(data_loss + penalty, rel=1e-5)
    # the gradient includes the penalty: with zero data gradient only decay remains
    zero = keras.Model(inputs, outputs)
    zero.set_weights([kernel, np.zeros(2, "float32")])
    zero.compile(keras.optimizers.SGD(1.0), "mse")
    zero.train_on_batch(np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32"))
    np.testing.assert_allclose(zero.get_weights()[0], kernel * (1 - 2 * 0.1), rtol=1e-5)


def test_sample_weight_and_class_weight():
    x, y = _binary_data(n=8)
    model = _mlp()
    model.compile("sgd", "binary_crossentropy")
    p = np.clip(model.predict(x, verbose=0), 1e-7, 1 - 1e-7)
    per_sample = -(y * np.log(p) + (1 - y) * np.log(1 - p))[:, 0]
    w = np.arange(1, 9, dtype="float32")
    assert model.evaluate(x, y, sample_weight=w, verbose=0) == pytest.approx(np.mean(per_sample * w), rel=1e-5)
    class_w = np.where(y[:, 0] == 1, 3.0, 0.5)
    before = model.get_weights()
    logs = model.train_on_batch(x, y, class_weight={0: 0.5, 1: 3.0}, return_dict=True)
    assert logs["loss"] == pytest.approx(np.mean(per_sample * class_w), rel=1e-5)
    model.set_weights(before)
    with pytest.raises(ValueError, match="cannot `class_weight` and `sample_weight`"):
        model.fit(x, y, sample_weight=w, class_weight={0: 1.0, 1: 1.0}, verbose=0)


def test_validation_split_holds_out_the_last_samples():
    x, y = _binary_data(n=50)
    model = _mlp()
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, validation_split=0.2, shuffle=False, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    val = model.evaluate(x[40:], y[40:], verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(val["loss"], rel=1e-6)
    history = model.fit(x, y, epochs=1, validation_data=(x[:10], y[:10]), verbose=0)
    assert "val_accuracy" in history.history


def test_same_seed_same_run():
    def run(seed):
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        inputs = keras.Input((4,))
        hidden = layers.Dropout(0.3)(layers.Dense(16, activation="relu")(inputs))
        model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(hidden))
        model.compile("adam", "binary_crossentropy")
        x, y = _binary_data(n=40)
        return model.fit(x, y, batch_size=8, epochs=3, verbose=0).history["loss"], model.get_weights()
    (h1, w1), (h2, w2), (h3, _) = run(7), run(7), run(8)
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert h1 != h3


def test_shuffle_false_feeds_batches_in_order():
    seen = []

    class Recorder(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    x = np.arange(10, dtype="float32").reshape(10, 1)
    model = _mlp(n_in=1)
    model.compile("sgd", "mse")
    model.fit(x, x, batch_size=4, shuffle=False, epochs=1, verbose=0, callbacks=[Recorder()])
    assert seen == [0, 1, 2]


def test_sequential_without_input_shape_and_subclassed_models_train():
    seq = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    seq.compile("adam", "mse")
    x, y = _binary_data(n=32)
    history = seq.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]

    class TwoLayers(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1, activation="sigmoid")

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    model = TwoLayers()
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).shape == (32, 1)


def test_changing_trainable_after_compile_warns_and_recompiling_applies_it():
    x, y = _binary_data(n=16)
    model = _mlp()
    model.compile("sgd", "binary_crossentropy")
    model.layers[1].trainable = False
    with pytest.warns(UserWarning, match="Discrepancy between trainable weights"):
        model.fit(x, y, verbose=0)
    model.compile("sgd", "binary_crossentropy")
    frozen = model.layers[1].get_weights()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, verbose=0)
    for a, b in zip(frozen, model.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------- the progress display

def _fit_printing(verbose, epochs=2, stream=None, monkeypatch=None):
    x, y = _binary_data(n=64)
    model = _mlp()
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    buffer = stream or io.StringIO()
    old = sys.stdout
    sys.stdout = buffer
    try:
        model.fit(x, y, batch_size=16, epochs=epochs, verbose=verbose)
    finally:
        sys.stdout = old
    return buffer.getvalue()


LINE = r"4/4 \[==============================\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}"


def test_verbose_1_off_a_terminal_prints_one_clean_line_per_epoch():
    out = _fit_printing(1)
    assert "\r" not in out and "\b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(LINE, lines[1]) and re.fullmatch(LINE, lines[3]), out


def test_verbose_1_in_a_terminal_redraws_with_carriage_returns():
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    out = _fit_printing(1, epochs=1, stream=Terminal())
    assert out.startswith("\r") and out.endswith("\n")
    final = out.split("\r")[-1].rstrip("\n").rstrip()
    assert re.fullmatch(LINE, final), out


def test_a_jupyter_stream_gets_the_final_line_only_even_if_it_claims_a_tty():
    jupyter_stream = type("OutStream", (io.StringIO,), {"isatty": lambda self: True,
                                                         "__module__": "ipykernel.iostream"})
    out = _fit_printing(1, epochs=1, stream=jupyter_stream())
    assert "\r" not in out and re.fullmatch(LINE, out.strip()), out


def test_verbose_2_prints_one_summary_line_per_epoch_and_0_is_silent():
    out = _fit_printing(2)
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and len(lines) == 4
    assert re.fullmatch(r"4/4 - \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - \d+(us|ms|s)/epoch - "
                        r"\d+(us|ms|s)/step", lines[1]), out
    assert _fit_printing(0) == ""


def test_evaluate_and_predict_show_a_bar_by_default():
    x, y = _binary_data(n=64)
    model = _mlp()
    model.compile("adam", "binary_crossentropy")
    buffer, old = io.StringIO(), sys.stdout
    sys.stdout = buffer
    try:
        model.evaluate(x, y)
        model.predict(x)
    finally:
        sys.stdout = old
    lines = buffer.getvalue().splitlines()
    assert re.fullmatch(r"2/2 \[=+\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4}", lines[0]), lines
    assert re.fullmatch(r"2/2 \[=+\] - \d+s \d+(us|ms|s)/step", lines[1]), lines


# ---------------------------------------------------------------------------- clear errors

def test_fitting_an_uncompiled_model():
    x, y = _binary_data(n=4)
    with pytest.raises(RuntimeError, match=r"You must compile your model before training/testing.*fit\(\)"):
        _mlp().fit(x, y)
    with pytest.raises(RuntimeError, match="compile"):
        _mlp().train_on_batch(x, y)


def test_unknown_names_fail_at_compile():
    model = _mlp()
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamm'"):
        model.compile("adamm", "mse")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'mean_sqared_error'"):
        model.compile("adam", "mean_sqared_error")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 'acuracy'"):
        model.compile("adam", "mse", metrics=["acuracy"])
    with pytest.raises(TypeError, match="unexpected keyword"):
        model.compile("adam", "mse", metric=["accuracy"])


def test_loss_structures_must_match_the_outputs():
    model = _ticket_model()
    with pytest.raises(ValueError, match=r"one entry per model output.*2 output\(s\)"):
        model.compile("adam", loss=["mse"])
    with pytest.raises(ValueError, match=r"Unknown entries in loss dictionary: \['priorty'\]"):
        model.compile("adam", loss={"priorty": "mse", "department": "mse"})


def test_x_and_y_lengths_must_agree():
    x, y = _binary_data(n=10)
    model = _mlp(name="features")
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous.*x\['features'\]: 10, y\['dense_2'\]: 9"):
        model.fit(x, y[:9], verbose=0)


def test_missing_and_unknown_dict_keys_are_named():
    model = _ticket_model()
    model.compile("adam", loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    x, y = _ticket_data(n=8)
    with pytest.raises(ValueError, match=r"no data for input\(s\) \['tags'\]"):
        model.fit({"title": x["title"], "body": x["body"]}, y, verbose=0)
    with pytest.raises(ValueError, match=r"unknown input name\(s\) \['tagz'\]"):
        model.fit(dict(x, tagz=x["tags"]), y, verbose=0)
    with pytest.raises(ValueError, match=r"no targets for output\(s\) \['department'\]"):
        model.fit(x, {"priority": y["priority"]}, verbose=0)
    with pytest.raises(ValueError, match=r"unknown output name\(s\) \['dept'\]"):
        model.fit(x, {"priority": y["priority"], "dept": y["department"]}, verbose=0)
    with pytest.raises(ValueError, match=r"has 2 outputs \(\['priority', 'department'\]\), but 1 target"):
        model.fit(x, [y["priority"]], verbose=0)


def test_wrong_input_and_target_shapes_are_named():
    model = _mlp(name="features")
    model.compile("sgd", "mse")
    x, y = _binary_data(n=8)
    with pytest.raises(ValueError, match=r"Input 'features' of model '.*' expects arrays of shape \(None, 4\).*"
                                         r"\(8, 5\)"):
        model.fit(np.zeros((8, 5), "float32"), y, verbose=0)
    with pytest.raises(ValueError, match=r"Targets for output 'dense_2'.*expected shape \(None, 1\).*\(8, 3\)"):
        model.fit(x, np.zeros((8, 3), "float32"), verbose=0)
    classifier = _mlp(units=5, activation="softmax", name="pixels")
    classifier.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"integer class labels: use loss='sparse_categorical_crossentropy', or "
                                         r"one-hot encode them with keras.utils.to_categorical\(y, 5\)"):
        classifier.fit(x, np.array([0, 1, 2, 3, 4, 0, 1, 2]), verbose=0)


def test_sparse_labels_out_of_range_name_the_output():
    model = _ticket_model()
    model.compile("adam", loss={"priority": "binary_crossentropy", "department": "sparse_categorical_crossentropy"})
    x, y = _ticket_data(n=8)
    labels = np.array([0, 1, 2, 3, 4, 0, 1, 2])
    with pytest.raises(ValueError, match=r"Targets for output 'department'.*label value 4.*\[0, 4\)"):
        model.fit(x, {"priority": y["priority"], "department": labels}, verbose=0)
    with pytest.raises(ValueError, match="Targets for output 'department'"):
        model.train_on_batch(x, {"priority": y["priority"], "department": labels - 1})
    one_hot = {"priority": y["priority"], "department": y["department"]}
    with pytest.raises(ValueError, match="look one-hot encoded"):
        model.fit(x, one_hot, verbose=0)


def test_other_bad_arguments():
    x, y = _binary_data(n=8)
    model = _mlp()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, y, validation_data=x, verbose=0)
    with pytest.raises(TypeError, match="must be numeric"):
        model.fit(np.array([["a"] * 4] * 8), y, verbose=0)
    with pytest.raises(ValueError, match="`y` for output"):
        model.fit(x, verbose=0)


def test_training_resumes_exactly_from_a_saved_model(tmp_path):
    """Optimizer state (iterations, slots) goes through model.save / load_model."""
    def build():
        keras.backend.clear_session()
        keras.utils.set_random_seed(3)
        model = _mlp()
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
        return model
    x, y = _binary_data(n=32)
    straight = build()
    straight.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    first = build()
    first.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    first.save(str(tmp_path / "half.keras"))
    resumed = keras.models.load_model(str(tmp_path / "half.keras"))
    assert int(resumed.optimizer.iterations) == 8
    resumed.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_plain_python_lists_are_data_for_single_input_models():
    model = _mlp(n_in=2)
    model.compile("sgd", "mse")
    x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert model.evaluate(x, [0.0, 1.0, 1.0], verbose=0) == pytest.approx(
        model.evaluate(np.array(x), np.array([[0.0], [1.0], [1.0]]), verbose=0))
    assert model.predict([np.array(x)], verbose=0).shape == (3, 1)


def test_per_output_sample_weights_and_initial_epoch():
    model = _ticket_model()
    model.compile("sgd", loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    x, y = _ticket_data(n=8)
    zero_department = {"department": np.zeros(8, "float32")}
    logs = model.evaluate(x, y, sample_weight=zero_department, verbose=0, return_dict=True)
    assert logs["department_loss"] == 0.0 and logs["loss"] == pytest.approx(logs["priority_loss"])
    history = model.fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]
