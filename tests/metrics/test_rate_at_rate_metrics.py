"""minikeras.metrics.confusion_metrics: PrecisionAtRecall, RecallAtPrecision,
SensitivityAtSpecificity, SpecificityAtSensitivity against Keras's documented examples and
a brute-force search over thresholds; class_id; errors. (Keras parity:
tests/parity/test_metrics_parity_more.py.)"""
import numpy as np
import pytest

from minikeras import metrics


def test_keras_documented_examples():
    m = metrics.SensitivityAtSpecificity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert m.result() == pytest.approx(0.5)
    m.reset_state()
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 1])
    assert m.result() == pytest.approx(1 / 3, rel=1e-5)
    m = metrics.SpecificityAtSensitivity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert m.result() == pytest.approx(2 / 3, rel=1e-5)
    m = metrics.PrecisionAtRecall(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert m.result() == pytest.approx(0.5)
    m = metrics.RecallAtPrecision(0.8)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == pytest.approx(0.5)


def brute_force(y_true, y_pred, thresholds, dependent, constrained, value):
    best = 0.0
    for t in thresholds:
        positive = y_pred > t
        tp, fp = np.sum(positive & (y_true == 1)), np.sum(positive & (y_true == 0))
        fn, tn = np.sum(~positive & (y_true == 1)), np.sum(~positive & (y_true == 0))
        rates = {"recall": tp / (tp + fn) if tp + fn else 0.0, "precision": tp / (tp + fp) if tp + fp else 0.0,
                 "specificity": tn / (tn + fp) if tn + fp else 0.0}
        if rates[constrained] >= value:
            best = max(best, rates[dependent])
    return best


@pytest.mark.parametrize("cls,dependent,constrained,value", [
    (metrics.PrecisionAtRecall, "precision", "recall", 0.7),
    (metrics.RecallAtPrecision, "recall", "precision", 0.6),
    (metrics.SensitivityAtSpecificity, "recall", "specificity", 0.8),
    (metrics.SpecificityAtSensitivity, "specificity", "recall", 0.3),
])
def test_the_best_dependent_rate_over_the_thresholds(cls, dependent, constrained, value):
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 60)
    y_pred = np.clip(y_true * 0.3 + rng.random(60) * 0.7, 0, 1)
    m = cls(value, num_thresholds=21)
    m.update_state(y_true[:30], y_pred[:30])
    m.update_state(y_true[30:], y_pred[30:])
    thresholds = [0.0] + [(i + 1) / 20 for i in range(19)] + [1.0]
    assert m.result() == pytest.approx(brute_force(y_true, y_pred, thresholds, dependent, constrained, value),
                                       rel=1e-6)


def test_class_id_reads_one_column_and_errors():
    y_true = np.eye(3)[[0, 1, 2, 1]]
    y_pred = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]])
    by_class = metrics.PrecisionAtRecall(0.5, class_id=1)
    by_class.update_state(y_true, y_pred)
    alone = metrics.PrecisionAtRecall(0.5)
    alone.update_state(y_true[:, 1], y_pred[:, 1])
    assert by_class.result() == alone.result()
    with pytest.raises(ValueError, match="recall.*range"):
        metrics.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.SensitivityAtSpecificity(0.5, num_thresholds=0)
    with pytest.raises(ValueError, match="class_id"):
        metrics.RecallAtPrecision(0.5, class_id=0).update_state([0, 1], [0.2, 0.8])
