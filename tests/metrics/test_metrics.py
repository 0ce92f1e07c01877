"""Metrics: Keras's documented values, state across batches, weights, names and get()."""
import numpy as np
import pytest

from minikeras import metrics


def test_accuracy_family_keras_documented_values():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert m.result() == pytest.approx(0.75)
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert m.result() == pytest.approx(0.5)
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert m.result() == pytest.approx(0.5)
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert m.result() == pytest.approx(0.5)
    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert m.result() == pytest.approx(0.5)
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert m.result() == pytest.approx(0.75)


def test_state_accumulates_with_sample_weights_and_resets():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert m.result() == pytest.approx(0.5)  # Keras docstring
    m.update_state([[1]], [[0.9]])
    assert m.result() == pytest.approx(2 / 3)
    m.reset_state()
    assert m.result() == 0.0
    mse = metrics.MeanSquaredError()
    mse.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert mse.result() == pytest.approx(0.25)
    mse.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    assert mse.result() == pytest.approx((0.25 * 2 + 0.5) / 3)
    mae = metrics.MeanAbsoluteError()
    assert mae([[0, 1], [0, 0]], [[1, 1], [0, 0]]) == pytest.approx(0.25)
    rmse = metrics.RootMeanSquaredError()
    rmse.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert rmse.result() == pytest.approx(0.5)


def test_precision_recall_keras_documented_values():
    p = metrics.Precision()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert p.result() == pytest.approx(2 / 3)
    p.reset_state()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert p.result() == pytest.approx(1.0)
    p = metrics.Precision(top_k=2)
    p.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert p.result() == pytest.approx(0.0)
    p = metrics.Precision(class_id=1)
    p.update_state([[0, 1], [1, 0]], [[0.2, 0.9], [0.3, 0.6]])
    assert p.result() == pytest.approx(0.5)
    r = metrics.Recall()
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert r.result() == pytest.approx(2 / 3)
    r = metrics.Recall(thresholds=[0.3, 0.7])
    r.update_state([1, 1, 0], [0.5, 0.9, 0.8])
    np.testing.assert_allclose(r.result(), [1.0, 0.5])


def test_auc_keras_documented_values():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == pytest.approx(0.75)  # Keras docstring
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert m.result() == pytest.approx(1.0)
    roc = metrics.AUC()
    rng = np.random.default_rng(0)
    labels = rng.integers(2, size=2000)
    scores = np.clip(labels * 0.3 + rng.random(2000) * 0.7, 0, 1)
    roc.update_state(labels, scores)
    # close to the exact AUC (pairwise ranking) with 200 thresholds
    pos, neg = scores[labels == 1], scores[labels == 0]
    exact = np.mean(pos[:, None] > neg[None, :])
    assert roc.result() == pytest.approx(exact, abs=0.01)
    pr = metrics.AUC(curve="PR")
    pr.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert pr.result() == pytest.approx(0.79726744)  # value Keras 3 gives
    logits = metrics.AUC(from_logits=True, num_thresholds=3)
    logits.update_state([0, 0, 1, 1], [-10, -0.01, -0.8, 2.2])
    assert logits.result() == pytest.approx(0.75)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")


def test_get_names_and_errors():
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("precision"), metrics.Precision)
    assert metrics.get("mae") is metrics.mean_absolute_error
    assert metrics.AUC().name == "auc"
    assert metrics.BinaryAccuracy().name == "binary_accuracy"
    assert metrics.MeanSquaredError().name == "mean_squared_error"
    restored = metrics.deserialize(metrics.serialize(metrics.Precision(thresholds=0.3, name="p")))
    assert restored.name == "p" and restored.thresholds[0] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 'acuracy'"):
        metrics.get("acuracy")


def test_a_custom_stateful_metric_written_with_ops_trains_and_resets():
    import minikeras as keras
    from minikeras import ops

    class TruePositives(metrics.Metric):
        def __init__(self, name="true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = ops.cast(ops.greater(y_pred, 0.5), "float32") * ops.cast(y_true, "float32")
            self.count.assign_add(ops.sum(hits).numpy())

        def result(self):
            return self.count

    m = TruePositives()
    m.update_state(np.array([[1.0], [1.0], [0.0]]), np.array([[0.9], [0.2], [0.8]]))
    assert float(m.result()) == 1.0
    m.reset_state()
    assert float(m.result()) == 0.0
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    model.compile("sgd", "binary_crossentropy", metrics=[TruePositives()])
    x = np.array([[5.0, 5.0], [-5.0, -5.0]], "float32")
    model.set_weights([np.ones((2, 1), "float32"), np.zeros(1, "float32")])
    logs = model.evaluate(x, np.array([[1.0], [1.0]]), verbose=0, return_dict=True)
    assert logs["true_positives"] == 1.0


def test_assign_add_accepts_a_full_reduction_tensor():
    from minikeras import ops
    metric = metrics.Metric(name="m")
    var = metric.add_variable(shape=(), name="total")
    var.assign_add(ops.sum(np.ones(3, "float32")))
    assert float(var) == 3.0


# ----------------------------------------------------------------------------- counts, F-scores, R2

def test_confusion_counts_per_threshold():
    y = np.array([1, 0, 1, 1, 0], dtype="float32")
    p = np.array([0.9, 0.8, 0.4, 0.2, 0.1], dtype="float32")
    tp = metrics.TruePositives(thresholds=[0.3, 0.5])
    tp.update_state(y, p)
    np.testing.assert_array_equal(tp.result(), [2.0, 1.0])
    counts = {cls: getattr(metrics, cls)() for cls in ("FalsePositives", "TrueNegatives", "FalseNegatives")}
    for m in counts.values():
        m.update_state(y, p, sample_weight=[1, 2, 1, 1, 1])
    assert [counts[c].result() for c in counts] == [2.0, 1.0, 2.0]
    tp.reset_state()
    np.testing.assert_array_equal(tp.result(), [0.0, 0.0])


def test_f1_and_fbeta_by_hand():
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype="float32")
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]], dtype="float32")
    # class 0: tp 1, fp 1, fn 1 -> P = R = 0.5; class 1: same
    f1 = metrics.F1Score()
    f1.update_state(y, p)
    np.testing.assert_allclose(f1.result(), [0.5, 0.5], rtol=1e-5)
    f2 = metrics.FBetaScore(average="macro", beta=2.0, threshold=0.5)
    f2.update_state(y, p)
    np.testing.assert_allclose(f2.result(), 0.5, rtol=1e-5)
    assert metrics.get("f1_score").name == "f1_score"
    back = metrics.deserialize(metrics.serialize(metrics.F1Score(average="weighted")))
    assert isinstance(back, metrics.F1Score) and back.average == "weighted"
    with pytest.raises(ValueError, match="Invalid `average`"):
        metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match="2D inputs"):
        f1.update_state(np.ones(3), np.ones(3))


def test_r2_score_limits():
    y = np.random.default_rng(0).normal(size=(50, 2))
    perfect = metrics.R2Score()
    perfect.update_state(y, y)
    assert perfect.result() == pytest.approx(1.0)
    mean_only = metrics.R2Score(class_aggregation=None)
    mean_only.update_state(y, np.broadcast_to(y.mean(axis=0), y.shape))
    np.testing.assert_allclose(mean_only.result(), [0.0, 0.0], atol=1e-6)
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
