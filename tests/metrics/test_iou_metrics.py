"""minikeras.metrics.iou_metrics: IoU from the accumulated confusion matrix, checked against
Keras's documented examples and a direct count; integer weights by default, fractions with a
float dtype; ignored and out-of-range ids; one-hot inputs; errors. (Keras parity:
tests/parity/test_metrics_parity_more.py.)"""
import numpy as np
import pytest

import minikeras as keras
from minikeras import metrics


def test_keras_documented_examples():
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert m.result() == pytest.approx(1 / 3, rel=1e-5)
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    assert m.result() == pytest.approx(1 / 3, rel=1e-5)
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3, dtype="float32")
    m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    assert m.result() == pytest.approx(0.17361112, rel=1e-5)


def test_iou_is_tp_over_tp_fp_fn_per_class():
    y_true = np.array([0, 1, 2, 2, 1, 0, 2])
    y_pred = np.array([0, 2, 2, 1, 1, 0, 2])
    m = metrics.IoU(num_classes=3, target_class_ids=[1, 2])
    m.update_state(y_true, y_pred)
    ious = []
    for c in (1, 2):
        tp = np.sum((y_true == c) & (y_pred == c))
        fp = np.sum((y_true != c) & (y_pred == c))
        fn = np.sum((y_true == c) & (y_pred != c))
        ious.append(tp / (tp + fp + fn))
    assert m.result() == pytest.approx(np.mean(ious), rel=1e-5)


def test_weights_truncate_to_integers_by_default_and_ignored_ids_count_nothing():
    m = metrics.MeanIoU(num_classes=3)
    m.update_state([0, 1, 2, 2], [0, 2, 2, 1], sample_weight=[0.5, 2.7, 1, 1])
    assert m.total_cm.tolist() == [[0, 0, 0], [0, 0, 2], [0, 1, 1]]
    m = metrics.MeanIoU(num_classes=3, dtype="float32")
    m.update_state([0, 1, 2, 2], [0, 2, 2, 1], sample_weight=[0.5, 2.7, 1, 1])
    np.testing.assert_allclose(m.total_cm, [[0.5, 0, 0], [0, 0, 2.7], [0, 1, 1]], rtol=1e-6)
    m = metrics.MeanIoU(num_classes=3, ignore_class=1)
    m.update_state([0, 1, 2, 5, -1], [0, 2, 2, 2, 0])
    assert m.total_cm.tolist() == [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
    assert m.result() == pytest.approx(1.0, rel=1e-5)   # class 1 appears nowhere: left out


def test_one_hot_variants_take_the_argmax():
    y_true = np.eye(3)[[0, 1, 2, 2]]
    y_pred = np.array([[0.9, 0.1, 0], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.3, 0.1]])
    one_hot, sparse = metrics.OneHotMeanIoU(num_classes=3), metrics.MeanIoU(num_classes=3)
    one_hot.update_state(y_true, y_pred)
    sparse.update_state([0, 1, 2, 2], [0, 2, 2, 0])
    assert one_hot.result() == sparse.result()
    single = metrics.OneHotIoU(num_classes=3, target_class_ids=[2])
    single.update_state(y_true, y_pred)
    assert single.result() == pytest.approx(1 / 3, rel=1e-5)   # tp 1 (third), fp 1 (second), fn 1 (fourth)


def test_in_compile_and_errors():
    x = keras.Input((4,))
    model = keras.Model(x, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(loss="binary_crossentropy", metrics=[metrics.BinaryIoU(name="iou")])
    data = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    logs = model.evaluate(data, (data[:, :1] > 0).astype("float32"), verbose=0, return_dict=True)
    assert 0 <= logs["iou"] <= 1
    with pytest.raises(ValueError, match="target class ids"):
        metrics.IoU(num_classes=2, target_class_ids=[2])
    with pytest.raises(ValueError, match="num_classes"):
        metrics.MeanIoU(num_classes=0)
    with pytest.raises(ValueError, match="same number"):
        metrics.MeanIoU(num_classes=2).update_state([0, 1], [0, 1, 1])
