"""Parity with real Keras 3 for TruePositives/FalsePositives/TrueNegatives/FalseNegatives,
FBetaScore/F1Score and R2Score: the same batches (and sample weights) give the same results,
and the configs match.

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_metrics_parity_extra.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

rng = np.random.default_rng(0)


def _run(metric, batches):
    for batch in batches:
        metric.update_state(*batch)
    result = metric.result()
    if not isinstance(metric, minikeras.metrics.Metric):
        result = keras.ops.convert_to_numpy(result)
    return np.asarray(result, dtype="float64")


def _config(metric):
    """The config without the name (Keras numbers repeated default names: true_positives_1)."""
    return {k: v for k, v in metric.get_config().items() if k != "name"}


def _binary_batches(weighted):
    out = []
    for _ in range(3):
        y = rng.integers(0, 2, (8, 3)).astype("float32")
        p = rng.uniform(size=(8, 3)).astype("float32")
        out.append((y, p, rng.uniform(size=(8,)).astype("float32")) if weighted else (y, p))
    return out


@pytest.mark.parametrize("name", ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"])
@pytest.mark.parametrize("thresholds", [None, 0.3, [0.1, 0.5, 0.9]])
@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_counts(name, thresholds, weighted):
    batches = _binary_batches(weighted)
    k = getattr(keras.metrics, name)(thresholds=thresholds)
    m = getattr(minikeras.metrics, name)(thresholds=thresholds)
    np.testing.assert_allclose(_run(m, batches), _run(k, batches), rtol=1e-5)
    assert _config(m) == _config(k)


def _class_batches(weighted, classes=4):
    out = []
    for _ in range(3):
        y = np.eye(classes, dtype="float32")[rng.integers(0, classes, 10)]
        p = rng.uniform(size=(10, classes)).astype("float32")
        p[0] = 0.0  # a row of zeros predicts nothing
        out.append((y, p, rng.uniform(size=(10,)).astype("float32")) if weighted else (y, p))
    return out


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_f_scores(average, threshold, weighted):
    batches = _class_batches(weighted)
    for k, m in [(keras.metrics.F1Score(average, threshold), minikeras.metrics.F1Score(average, threshold)),
                 (keras.metrics.FBetaScore(average, 2.0, threshold),
                  minikeras.metrics.FBetaScore(average, 2.0, threshold))]:
        np.testing.assert_allclose(_run(m, batches), _run(k, batches), rtol=1e-5, atol=1e-7)
        assert _config(m) == _config(k)


@pytest.mark.parametrize("aggregation", [None, "uniform_average", "variance_weighted_average"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("num_regressors", [0, 2])
def test_r2_score(aggregation, weighted, num_regressors):
    batches = []
    for _ in range(3):
        y = rng.normal(size=(12, 3)).astype("float32")
        p = (y + rng.normal(0, 0.5, size=y.shape)).astype("float32")
        batches.append((y, p, rng.uniform(size=(12,)).astype("float32")) if weighted else (y, p))
    k = keras.metrics.R2Score(aggregation, num_regressors)
    m = minikeras.metrics.R2Score(aggregation, num_regressors)
    np.testing.assert_allclose(_run(m, batches), _run(k, batches), rtol=1e-4)
    assert _config(m) == _config(k)


def test_new_metrics_in_compile_match_keras():
    def build(lib):
        inputs = lib.Input((5,))
        return lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(inputs))
    kr, mk = build(keras), build(minikeras)
    mk.set_weights([rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=3).astype("float32")])
    kr.set_weights(mk.get_weights())
    x = rng.normal(size=(20, 5)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 20)]
    for model, lib in ((kr, keras), (mk, minikeras)):
        model.compile(loss="categorical_crossentropy",
                      metrics=[lib.metrics.F1Score(average="macro", name="f1"), lib.metrics.TruePositives(name="tp"),
                               lib.metrics.R2Score(name="r2")])
    k_logs = kr.evaluate(x, y, verbose=0, return_dict=True, batch_size=20)
    m_logs = mk.evaluate(x, y, verbose=0, return_dict=True, batch_size=20)
    for key in ("f1", "tp", "r2"):
        np.testing.assert_allclose(m_logs[key], k_logs[key], rtol=1e-5)


@pytest.mark.parametrize("name,kwargs", [("huber", dict(delta=0.5)), ("binary_focal_crossentropy", dict(gamma=1.0)),
                                         ("categorical_focal_crossentropy", {})])
def test_metric_functions_match(name, kwargs):
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 6)]
    p = rng.uniform(0.05, 0.95, (6, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y, p, **kwargs))
    np.testing.assert_allclose(getattr(minikeras.metrics, name)(y, p, **kwargs), expected, rtol=1e-5, atol=1e-7)
