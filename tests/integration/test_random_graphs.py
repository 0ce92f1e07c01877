"""Randomised graphs (hypothesis): branches, merges, shared layers and nested models build,
summarise, plot, save and load, predict the same after reload, pass gradient checks, and
have the parameter counts of the closed-form formulas. Plus: memory stays flat in long runs."""
import os
import tempfile
import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

import minikeras as keras
from minikeras import layers, ops
from minikeras.utils.plot import layout
from tests.conftest import numeric_gradient

WIDTH = 3  # every tensor has WIDTH features, so any two can be merged and any layer shared

STEP = st.tuples(st.sampled_from(["dense", "shared", "add", "multiply", "average", "concat", "nested"]),
                 st.integers(0, 1000), st.integers(0, 1000))


def build_random_model(steps, two_outputs):
    """A model from a recipe of steps, and its parameter count by formula: the sum over the
    distinct layers upstream of the outputs (a shared layer or nested model counts once)."""
    x = keras.Input((WIDTH,), name="x")
    dense_params = WIDTH * WIDTH + WIDTH
    tensors, upstream = [x], [{}]  # upstream[i]: {layer key: its parameter count}
    shared = layers.Dense(WIDTH, activation="tanh", name="shared")
    inner_in = keras.Input((WIDTH,))
    nested = keras.Model(inner_in, layers.Dense(WIDTH, activation="sigmoid")(inner_in), name="nested")
    for i, (kind, a, b) in enumerate(steps):
        a, b = a % len(tensors), b % len(tensors)
        first, second = tensors[a], tensors[b]
        if kind == "dense":
            out, own = layers.Dense(WIDTH, activation="relu")(first), {i: dense_params}
        elif kind == "shared":
            out, own = shared(first), {"shared": dense_params}
        elif kind == "nested":
            out, own = nested(first), {"nested": dense_params}
        elif kind == "concat":
            out = layers.Dense(WIDTH)(layers.concatenate([first, second]))
            own = {i: 2 * WIDTH * WIDTH + WIDTH, **upstream[b]}
        else:
            merge = {"add": layers.add, "multiply": layers.multiply, "average": layers.average}[kind]
            out, own = merge([first, second]), dict(upstream[b])
        tensors.append(out)
        upstream.append({**upstream[a], **own})
    picks = [len(tensors) - 1]
    if two_outputs and len(tensors) > 2 and len(tensors) // 2 != len(tensors) - 1:
        picks.append(len(tensors) // 2)
    outputs = [tensors[i] for i in picks] if len(picks) > 1 else tensors[-1]
    counted = {}
    for i in picks:
        counted.update(upstream[i])
    return keras.Model(x, outputs, name="random"), sum(counted.values())


GRAPHS = dict(steps=st.lists(STEP, min_size=1, max_size=8), two_outputs=st.booleans())
SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=25, **SETTINGS)
@given(**GRAPHS)
def test_random_graphs_build_summarise_plot_save_and_reload(steps, two_outputs):
    keras.backend.clear_session()
    model, expected_params = build_random_model(steps, two_outputs)
    assert model.count_params() == expected_params
    lines = []
    model.summary(print_fn=lines.append)
    assert f"Total params: {expected_params:,}" in lines
    drawing = layout(model, "TB", False)
    assert len(drawing.boxes) == len(model.layers)
    data = np.random.default_rng(0).normal(size=(5, WIDTH)).astype("float32")
    before = model.predict(data, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        keras.backend.clear_session()
        restored = keras.models.load_model(path)
    after = restored.predict(data, verbose=0)
    for b, a in zip(before if isinstance(before, list) else [before], after if isinstance(after, list) else [after]):
        np.testing.assert_array_equal(a, b)
    assert restored.count_params() == expected_params


@settings(max_examples=12, **SETTINGS)
@given(**GRAPHS)
def test_random_graphs_pass_gradient_checks(steps, two_outputs):
    keras.backend.clear_session()
    keras.backend.set_floatx("float64")
    try:
        model, _ = build_random_model(steps, two_outputs)
        data = np.random.default_rng(1).normal(size=(4, WIDTH))

        def loss_value():
            outs = model.predict_on_batch(data)
            return float(sum(np.sum(o ** 2) for o in (outs if isinstance(outs, list) else [outs])))

        with ops.GradientTape() as tape:
            outs = model(data)
            outs = outs if isinstance(outs, list) else [outs]
            total = ops.sum(ops.square(outs[0]))
            for o in outs[1:]:
                total = total + ops.sum(ops.square(o))
        weights = model.trainable_weights
        for w, g in zip(weights, tape.gradient(total, weights)):
            expected = numeric_gradient(loss_value, w.value)
            got = np.zeros_like(w.value) if g is None else np.asarray(g)
            np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-7)
    finally:
        keras.backend.set_floatx("float32")


def _steady_growth(step, warmup=100, steps=600):
    for _ in range(warmup):
        step()
    tracemalloc.start()
    start = tracemalloc.take_snapshot()
    for _ in range(steps):
        step()
    end = tracemalloc.take_snapshot()
    tracemalloc.stop()
    return sum(stat.size_diff for stat in end.compare_to(start, "filename"))


def test_memory_stays_flat_while_training_the_seed_mlp():
    x = keras.Input((10,))
    h = layers.Dense(10, activation="relu")(x)
    h = layers.Dense(20, activation="relu")(h)
    h = layers.Dense(10, activation="relu")(h)
    model = keras.Model(x, layers.Dense(1, activation="sigmoid")(h))
    model.compile("rmsprop", "binary_crossentropy", metrics=["accuracy"])
    data, labels = np.random.rand(32, 10).astype("float32"), (np.random.rand(32, 1) > 0.5).astype("float32")
    growth = _steady_growth(lambda: model.train_on_batch(data, labels))
    assert growth < 200_000, f"memory grew by {growth} bytes over 600 steps"


def test_memory_stays_flat_while_training_the_seed_lstm():
    x = keras.Input((100, 1))
    h = layers.LSTM(10)(x)
    model = keras.Model(x, layers.Dense(1, activation="sigmoid")(layers.Dense(10, activation="relu")(h)))
    model.compile("adam", "mse")
    data, target = np.random.rand(32, 100, 1).astype("float32"), np.random.rand(32, 1).astype("float32")
    growth = _steady_growth(lambda: model.train_on_batch(data, target), warmup=20, steps=150)
    assert growth < 200_000, f"memory grew by {growth} bytes over 150 steps"
