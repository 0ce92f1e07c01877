"""engine/data_adapters: the registry picks an adapter, and ArrayDataAdapter serves every
sample exactly once per epoch, in order or shuffled, and splits off validation data."""
import numpy as np
import pytest

import minikeras as keras
from minikeras.engine.data_adapters import ADAPTERS, ArrayDataAdapter, DataAdapter, GeneratorDataAdapter, get_data_adapter
from tests.engine.training_models import mlp


def _arrays(n=10):
    x = np.arange(n, dtype="float32").reshape(n, 1)
    return [x], [x * 2], [None], n


def _epoch(adapter, shuffle=False):
    return list(adapter.batches(shuffle))


def test_batches_in_order_cover_the_data_with_a_short_last_batch():
    adapter = ArrayDataAdapter(*_arrays(10), batch_size=4)
    batches = _epoch(adapter)
    assert adapter.num_batches == 3 == len(batches)
    assert [size for _, _, _, size in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([xs[0] for xs, _, _, _ in batches])[:, 0], np.arange(10))
    for xs, ys, sws, _ in batches:
        np.testing.assert_array_equal(ys[0], xs[0] * 2)   # targets stay with their inputs
        assert sws == [None]


@pytest.mark.parametrize("shuffle", [True, "batch"])
def test_shuffled_epochs_see_every_sample_once(shuffle):
    keras.utils.set_random_seed(0)
    adapter = ArrayDataAdapter(*_arrays(10), batch_size=4)
    first = np.concatenate([xs[0] for xs, _, _, _ in _epoch(adapter, shuffle)])[:, 0]
    second = np.concatenate([xs[0] for xs, _, _, _ in _epoch(adapter, shuffle)])[:, 0]
    assert sorted(first) == sorted(second) == list(range(10))
    assert list(first) != list(second) or list(first) != list(range(10))
    if shuffle == "batch":  # whole batches move, their contents stay consecutive
        for xs, _, _, _ in _epoch(adapter, shuffle):
            assert np.all(np.diff(xs[0][:, 0]) == 1)


def test_same_seed_same_order():
    orders = []
    for _ in range(2):
        keras.utils.set_random_seed(5)
        adapter = ArrayDataAdapter(*_arrays(12), batch_size=5)
        orders.append(np.concatenate([xs[0] for xs, _, _, _ in _epoch(adapter, True)])[:, 0].tolist())
    assert orders[0] == orders[1]


def test_split_holds_out_the_last_samples_with_their_own_batch_size():
    train, val = ArrayDataAdapter(*_arrays(10), batch_size=4).split(0.3, 2)
    assert (train.n, val.n, train.batch_size, val.batch_size) == (7, 3, 4, 2)
    np.testing.assert_array_equal(val.xs[0][:, 0], [7, 8, 9])
    assert val.sws == [None] and val.num_batches == 2
    with pytest.raises(ValueError, match=r"Training data contains 2 samples.*validation_split=0.6"):
        ArrayDataAdapter(*_arrays(2), batch_size=4).split(0.6, 4)   # nothing left to train on


def test_an_empty_epoch_still_counts_one_step_for_the_callbacks():
    adapter = ArrayDataAdapter([np.zeros((0, 1), "float32")], [], [], 0, batch_size=4)
    assert adapter.num_batches == 1 and _epoch(adapter) == []


def test_the_registry_gives_arrays_to_the_array_adapter_through_prepare():
    seen = []

    def prepare(x, y, sample_weight, class_weight):
        seen.append((x, y, sample_weight, class_weight))
        return [np.asarray(x)], [np.asarray(y)], [None], len(x)

    adapter = get_data_adapter("m", [[1.0], [2.0]], [[0.0], [1.0]], None, {0: 1.0}, prepare=prepare, batch_size=1)
    assert isinstance(adapter, ArrayDataAdapter) and isinstance(adapter, DataAdapter)
    assert seen == [([[1.0], [2.0]], [[0.0], [1.0]], None, {0: 1.0})] and adapter.num_batches == 2
    assert ADAPTERS[-1] is ArrayDataAdapter


def test_a_generator_gets_its_own_adapter_and_each_batch_is_prepared_when_it_arrives():
    seen = []

    def prepare(x, y, sample_weight, class_weight):
        seen.append((x.shape, None if y is None else y.shape, sample_weight, class_weight))
        return [x], [y], [sample_weight], len(x)

    batches = ((np.zeros((2, 3)), np.ones((2, 1))) for _ in range(3))
    adapter = get_data_adapter("m", batches, None, None, None, prepare=prepare, batch_size=99)
    assert isinstance(adapter, GeneratorDataAdapter) and adapter.num_batches is None
    assert seen == []
    assert [size for _, _, _, size in adapter.batches()] == [2, 2, 2]
    assert seen == [((2, 3), (2, 1), None, None)] * 3
    assert list(adapter.batches()) == []      # a generator is read once


def test_single_batch_methods_still_refuse_a_source_of_batches_with_the_model_name():
    model = mlp()
    model.compile("sgd", "mse")
    for method in (model.train_on_batch, model.test_on_batch, model.predict_on_batch):
        with pytest.raises(TypeError, match=rf"Model {model.name}: .*received list_iterator. Convert the data "
                                            "to arrays first"):
            method(iter([np.zeros((2, 4))]))


def test_a_data_adapter_must_implement_the_whole_interface():
    class OnlyCanHandle(DataAdapter):
        @staticmethod
        def can_handle(x):
            return True

    with pytest.raises(TypeError, match="abstract"):
        OnlyCanHandle()
