"""engine/data_adapters/data_adapter_utils.py: data mistakes caught at fit/evaluate/predict
before any step runs, with messages naming the input or output; sample and class weights."""
import re

import numpy as np
import pytest

import minikeras as keras
from minikeras import layers
from tests.engine.training_models import binary_data, mlp, ticket_data, ticket_model


def _model():
    x = keras.Input((4,), name="features")
    model = keras.Model(x, layers.Dense(3, activation="softmax", name="label")(x))
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


def test_nan_in_the_input_is_refused_before_training():
    x = np.random.rand(8, 4).astype("float32")
    x[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"'features'.*NaN or infinite.*\(5, 2\)"):
        _model().fit(x, np.zeros(8, "int64"), verbose=0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        _model().predict(np.full((2, 4), np.inf))


def test_inf_in_the_targets_is_refused():
    x = keras.Input((2,))
    model = keras.Model(x, layers.Dense(1, name="out")(x))
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"Targets for output 'out'.*NaN or infinite"):
        model.fit(np.ones((3, 2)), np.array([[1.0], [np.inf], [0.0]]), verbose=0)


def test_sparse_labels_out_of_range_are_refused():
    with pytest.raises(ValueError, match="label"):
        _model().fit(np.ones((4, 4)), np.array([0, 1, 2, 3]), verbose=0)


def test_x_and_y_lengths_must_match():
    with pytest.raises(ValueError, match="(?i)samples|length"):
        _model().fit(np.ones((4, 4)), np.zeros(5, "int64"), verbose=0)


def test_wrong_feature_size_at_fit():
    with pytest.raises(ValueError, match=r"'features'.*\(None, 4\).*\(4, 5\)"):
        _model().fit(np.ones((4, 5)), np.zeros(4, "int64"), verbose=0)



def test_sample_weight_and_class_weight():
    x, y = binary_data(n=8)
    model = mlp()
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


def test_x_and_y_lengths_must_agree():
    x, y = binary_data(n=10)
    model = mlp(name="features")
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous.*x\['features'\]: 10, y\['dense_2'\]: 9"):
        model.fit(x, y[:9], verbose=0)


def test_missing_and_unknown_dict_keys_are_named():
    model = ticket_model()
    model.compile("adam", loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    x, y = ticket_data(n=8)
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
    model = mlp(name="features")
    model.compile("sgd", "mse")
    x, y = binary_data(n=8)
    with pytest.raises(ValueError, match=r"Input 'features' of model '.*' expects arrays of shape \(None, 4\).*"
                                         r"\(8, 5\)"):
        model.fit(np.zeros((8, 5), "float32"), y, verbose=0)
    with pytest.raises(ValueError, match=r"Targets for output 'dense_2'.*expected shape \(None, 1\).*\(8, 3\)"):
        model.fit(x, np.zeros((8, 3), "float32"), verbose=0)
    classifier = mlp(units=5, activation="softmax", name="pixels")
    classifier.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"integer class labels: use loss='sparse_categorical_crossentropy', or "
                                         r"one-hot encode them with keras.utils.to_categorical\(y, 5\)"):
        classifier.fit(x, np.array([0, 1, 2, 3, 4, 0, 1, 2]), verbose=0)


def test_sparse_labels_out_of_range_name_the_output():
    model = ticket_model()
    model.compile("adam", loss={"priority": "binary_crossentropy", "department": "sparse_categorical_crossentropy"})
    x, y = ticket_data(n=8)
    labels = np.array([0, 1, 2, 3, 4, 0, 1, 2])
    with pytest.raises(ValueError, match=r"Targets for output 'department'.*label value 4.*\[0, 4\)"):
        model.fit(x, {"priority": y["priority"], "department": labels}, verbose=0)
    with pytest.raises(ValueError, match="Targets for output 'department'"):
        model.train_on_batch(x, {"priority": y["priority"], "department": labels - 1})
    one_hot = {"priority": y["priority"], "department": y["department"]}
    with pytest.raises(ValueError, match="look one-hot encoded"):
        model.fit(x, one_hot, verbose=0)


def test_plain_python_lists_are_data_for_single_input_models():
    model = mlp(n_in=2)
    model.compile("sgd", "mse")
    x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert model.evaluate(x, [0.0, 1.0, 1.0], verbose=0) == pytest.approx(
        model.evaluate(np.array(x), np.array([[0.0], [1.0], [1.0]]), verbose=0))
    assert model.predict([np.array(x)], verbose=0).shape == (3, 1)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_check_finite_finds_one_bad_value_anywhere(dtype, bad):
    from minikeras.engine.data_adapters.data_adapter_utils import check_finite
    rng = np.random.default_rng(0)
    for shape, at in [((64, 784), (63, 783)), ((3, 4, 5), (0, 0, 0)), ((1,), (0,))]:
        x = rng.random(shape).astype(dtype)
        check_finite(x, "x")                                   # all finite: nothing said
        x[at] = bad
        with pytest.raises(ValueError, match=rf"index {re.escape(str(tuple(at)))}"):
            check_finite(x, "x")
        with pytest.raises(ValueError, match="NaN or infinite"):
            check_finite(np.asfortranarray(x), "x")            # another memory order


def test_check_finite_accepts_huge_finite_values_and_finds_a_nan_among_them():
    from minikeras.engine.data_adapters.data_adapter_utils import check_finite
    x = np.full((8, 8), 3e30, np.float32)                      # their squares would overflow float32
    check_finite(x, "x")
    x[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"index \(5, 2\)"):
        check_finite(x, "x")
    check_finite(np.zeros((0, 3), np.float32), "x")            # empty
    check_finite(np.array([1.0, 2.0], np.float16), "x")        # another float type
