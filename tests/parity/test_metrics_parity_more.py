"""Parity with Keras 3 (torch backend) of the IoU family, the correlation metrics and the
"rate at rate" metrics: the same results over several batches with sample weights, and the
same configs.

    KERAS_BACKEND=torch PYTHONPATH=. python -m pytest tests/parity/test_metrics_parity_more.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

rng = np.random.default_rng(0)
BINARY = [(rng.integers(0, 2, 16).astype("float32"), rng.random(16).astype("float32"),
           rng.uniform(0, 2, 16).astype("float32")) for _ in range(3)]
CLASSES = [(rng.integers(0, 4, (4, 5)), rng.integers(0, 4, (4, 5)), rng.integers(0, 3, (4, 5)).astype("float32"))
           for _ in range(3)]
ONE_HOT = [(np.eye(4, dtype="float32")[rng.integers(0, 4, 8)], rng.random((8, 4)).astype("float32"),
            rng.uniform(0, 2, 8).astype("float32")) for _ in range(3)]
MULTI = [(np.eye(3, dtype="float32")[rng.integers(0, 3, 12)], rng.random((12, 3)).astype("float32"),
          rng.uniform(0, 2, 12).astype("float32")) for _ in range(3)]
REGRESSION = [(rng.normal(size=(4, 6)).astype("float32"), rng.normal(size=(4, 6)).astype("float32"),
               rng.uniform(0, 2, 4).astype("float32")) for _ in range(3)]

CASES = {
    "IoU": (dict(num_classes=4, target_class_ids=[0, 2]), CLASSES),
    "IoU_ignore": (dict(num_classes=4, target_class_ids=[1, 3], ignore_class=2), CLASSES),
    "IoU_float": (dict(num_classes=4, target_class_ids=[0, 1, 3], dtype="float32"), CLASSES),
    "MeanIoU": (dict(num_classes=4), CLASSES),
    "MeanIoU_float": (dict(num_classes=4, dtype="float32"), CLASSES),
    "BinaryIoU": (dict(target_class_ids=[0, 1], threshold=0.3), BINARY),
    "BinaryIoU_float": (dict(target_class_ids=[1], threshold=0.6, dtype="float32"), BINARY),
    "OneHotIoU": (dict(num_classes=4, target_class_ids=[0, 3], dtype="float32"), ONE_HOT),
    "OneHotMeanIoU": (dict(num_classes=4), ONE_HOT),
    "PearsonCorrelation": ({}, REGRESSION),
    "ConcordanceCorrelation": ({}, REGRESSION),
    "PrecisionAtRecall": (dict(recall=0.6), BINARY),
    "PrecisionAtRecall_class": (dict(recall=0.5, class_id=1, num_thresholds=50), MULTI),
    "RecallAtPrecision": (dict(precision=0.55), BINARY),
    "SensitivityAtSpecificity": (dict(specificity=0.5), BINARY),
    "SensitivityAtSpecificity_one": (dict(specificity=0.4, num_thresholds=1), BINARY),
    "SpecificityAtSensitivity": (dict(sensitivity=0.7, num_thresholds=37), BINARY),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("weighted", [False, True])
def test_batches_with_sample_weights_like_keras(case, weighted):
    name = case.split("_")[0]
    kwargs, batches = CASES[case]
    ours, theirs = getattr(minikeras.metrics, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    for y_true, y_pred, weight in batches:
        w = weight if weighted else None
        ours.update_state(y_true, y_pred, sample_weight=w)
        theirs.update_state(y_true, y_pred, sample_weight=w)
        np.testing.assert_allclose(ours.result(), keras.ops.convert_to_numpy(theirs.result()), rtol=1e-5, atol=1e-6)
    ours.reset_state()
    theirs.reset_state()
    assert ours.result() == pytest.approx(float(keras.ops.convert_to_numpy(theirs.result())), abs=1e-7)


@pytest.mark.parametrize("case", sorted(CASES))
def test_configs_like_keras(case):
    name = case.split("_")[0]
    kwargs = CASES[case][0]
    ours, theirs = getattr(minikeras.metrics, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    mine, keras_config = ours.get_config(), theirs.get_config()
    for config in (mine, keras_config):
        config.pop("name")
    keras_config = {k: list(v) if isinstance(v, tuple) else v for k, v in keras_config.items()}
    assert mine == keras_config
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


@pytest.mark.parametrize("name", ["pearson_correlation", "concordance_correlation"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_functions_like_keras(name, axis):
    y_true, y_pred, _ = REGRESSION[0]
    np.testing.assert_allclose(getattr(minikeras.metrics, name)(y_true, y_pred, axis=axis),
                               keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred, axis=axis)),
                               rtol=1e-5, atol=1e-6)
