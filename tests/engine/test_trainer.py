"""engine/trainer.py: fit / evaluate / predict / train_on_batch. The seed models learn, logs
are named and ordered as in Keras, the progress display renders cleanly, and the loops
honour their arguments (validation, shuffling, initial_epoch, callbacks, resuming)."""
import io
import re
import sys
import warnings

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.engine.training_models import binary_data, mlp, ticket_data, ticket_model
from tests.seed_examples.run import run_example


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

def test_seed002_ticket_classifier_reports_each_output_loss(capsys):
    model = ticket_model()
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
                  loss_weights=[1.0, 0.2])
    x, y = ticket_data()
    history = model.fit(x, y, epochs=2, batch_size=32)
    printed = capsys.readouterr().out
    # the logs have their keys sorted, as in Keras 3; the bar and metrics_names keep loss first
    assert list(history.history) == ["department_loss", "loss", "priority_loss"]
    h = history.history
    for epoch in range(2):  # the total is the weighted sum of the per-output losses
        assert h["loss"][epoch] == pytest.approx(h["priority_loss"][epoch] + 0.2 * h["department_loss"][epoch],
                                                 rel=1e-5)
    assert re.search(r"^2/2 \[=+\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - priority_loss: \d\.\d{4} - "
                     r"department_loss: \d\.\d{4}$", printed, re.M), printed
    assert model.metrics_names == ["loss", "priority_loss", "department_loss"]


def test_seed003_multi_input_example_runs_with_dict_losses_weights_and_accuracy():
    namespace, printed = run_example("s003_multi_input", _tmp())
    history = namespace["history"].history
    assert list(history) == ["department_accuracy", "department_loss", "loss", "priority_accuracy",
                             "priority_loss"]  # sorted, as Keras 3's logs
    assert history["loss"][0] == pytest.approx(history["priority_loss"][0] + 0.5 * history["department_loss"][0],
                                               rel=1e-5)
    assert "priority_loss:" in printed and "department_accuracy:" in printed
    model = namespace["model"]
    # 'accuracy' became binary accuracy for the sigmoid output, categorical for the softmax one
    kinds = {name: type(metric).__name__ for out in model._outputs for name, metric, _ in out.metrics}
    assert kinds == {"priority_accuracy": "BinaryAccuracy", "department_accuracy": "CategoricalAccuracy"}


def test_multi_output_lists_evaluate_order_and_predict():
    model = ticket_model()
    model.compile(optimizer="adam", loss=["binary_crossentropy", "categorical_crossentropy"],
                  metrics=[["accuracy"], ["accuracy", "mse"]])
    x, y = ticket_data(n=16)
    y_list = [y["priority"], y["department"]]
    results = model.evaluate([x["title"], x["body"], x["tags"]], y_list, verbose=0)
    # Keras 3's order: the loss, the per-output losses, then a multi-output model's metrics sorted
    assert model.metrics_names == ["loss", "priority_loss", "department_loss", "department_accuracy",
                                   "department_mse", "priority_accuracy"]
    assert len(results) == 6
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == sorted(model.metrics_names)
    np.testing.assert_allclose([as_dict[name] for name in model.metrics_names], results, rtol=1e-6)
    priority, department = model.predict(x, verbose=0)
    assert priority.shape == (16, 1) and department.shape == (16, 4)


# ---------------------------------------------------------------------------- the steps and the loops

def test_train_on_batch_reports_the_loss_before_its_update():
    x, y = binary_data(n=16)
    model = mlp()
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


def test_validation_split_holds_out_the_last_samples():
    x, y = binary_data(n=50)
    model = mlp()
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, validation_split=0.2, shuffle=False, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]  # sorted, as Keras 3
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
        x, y = binary_data(n=40)
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
    model = mlp(n_in=1)
    model.compile("sgd", "mse")
    model.fit(x, x, batch_size=4, shuffle=False, epochs=1, verbose=0, callbacks=[Recorder()])
    assert seen == [0, 1, 2]


def test_sequential_without_input_shape_and_subclassed_models_train():
    seq = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])
    seq.compile("adam", "mse")
    x, y = binary_data(n=32)
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
    x, y = binary_data(n=16)
    model = mlp()
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
    x, y = binary_data(n=64)
    model = mlp()
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
    x, y = binary_data(n=64)
    model = mlp()
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
    x, y = binary_data(n=4)
    with pytest.raises(RuntimeError, match=r"You must compile your model before training/testing.*fit\(\)"):
        mlp().fit(x, y)
    with pytest.raises(RuntimeError, match="compile"):
        mlp().train_on_batch(x, y)


def test_other_bad_arguments():
    x, y = binary_data(n=8)
    model = mlp()
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
        model = mlp()
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
        return model
    x, y = binary_data(n=32)
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


def test_per_output_sample_weights_and_initial_epoch():
    model = ticket_model()
    model.compile("sgd", loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    x, y = ticket_data(n=8)
    zero_department = {"department": np.zeros(8, "float32")}
    logs = model.evaluate(x, y, sample_weight=zero_department, verbose=0, return_dict=True)
    assert logs["department_loss"] == 0.0 and logs["loss"] == pytest.approx(logs["priority_loss"])
    history = model.fit(x, y, epochs=3, initial_epoch=1, verbose=0)
    assert history.epoch == [1, 2]


@pytest.mark.filterwarnings("ignore:overflow")
def test_diverging_run_is_reported_and_stopped():
    x = keras.Input((1,))
    model = keras.Model(x, layers.Dense(1)(x))
    model.compile(keras.optimizers.SGD(learning_rate=1e3), "mse")
    data = np.linspace(-100, 100, 64).reshape(-1, 1).astype("float32")
    history = model.fit(data, data * 3, epochs=50, batch_size=8, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) < 50
    assert not np.isfinite(history.history["loss"][-1])
