"""minikeras.metrics.correlation_metrics: Pearson's r against numpy's corrcoef, the concordance
coefficient's properties, weighted means over batches, and compile by name. (Keras parity:
tests/parity/test_metrics_parity_more.py.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import metrics

RNG = np.random.default_rng(0)
Y_TRUE = RNG.normal(size=(5, 8)).astype("float32")
Y_PRED = (Y_TRUE * 0.7 + RNG.normal(size=(5, 8)) * 0.5).astype("float32")


def test_pearson_is_corrcoef_per_sample():
    expected = [np.corrcoef(t, p)[0, 1] for t, p in zip(Y_TRUE, Y_PRED)]
    np.testing.assert_allclose(metrics.pearson_correlation(Y_TRUE, Y_PRED), expected, rtol=1e-5)
    np.testing.assert_allclose(metrics.pearson_correlation(Y_TRUE.T, Y_PRED.T, axis=0), expected, rtol=1e-5)


def test_concordance_is_one_for_equal_series_and_below_pearson_for_a_shift():
    np.testing.assert_allclose(metrics.concordance_correlation(Y_TRUE, Y_TRUE), 1.0, rtol=1e-5)
    shifted = metrics.concordance_correlation(Y_TRUE, Y_TRUE + 2.0)
    assert np.all(shifted < metrics.pearson_correlation(Y_TRUE, Y_TRUE + 2.0) - 0.1)


def test_classes_average_over_batches_with_weights():
    m = metrics.PearsonCorrelation()
    weights = np.array([1.0, 0.0, 2.0, 1.0, 0.5])
    m.update_state(Y_TRUE[:2], Y_PRED[:2], sample_weight=weights[:2])
    m.update_state(Y_TRUE[2:], Y_PRED[2:], sample_weight=weights[2:])
    values = metrics.pearson_correlation(Y_TRUE, Y_PRED)
    assert m.result() == pytest.approx(np.sum(values * weights) / weights.sum(), rel=1e-5)
    assert metrics.ConcordanceCorrelation(axis=0).get_config() == {"name": "concordance_correlation",
                                                                  "dtype": "float32", "axis": 0}


def test_by_name_in_compile():
    x = keras.Input((8,))
    model = keras.Model(x, keras.layers.Dense(8)(x))
    model.compile(loss="mse", metrics=["pearson_correlation", metrics.ConcordanceCorrelation()])
    logs = model.evaluate(Y_TRUE, Y_PRED, verbose=0, return_dict=True)
    assert set(logs) >= {"pearson_correlation", "concordance_correlation"}
    assert -1 <= logs["pearson_correlation"] <= 1
