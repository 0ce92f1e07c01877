"""fit/evaluate/predict on data that arrives in batches: generators, iterables of batches,
PyDataset/Sequence, torch DataLoaders; steps_per_epoch and validation_steps."""
import warnings

import numpy as np
import pytest

import minikeras as keras
from tests.engine.training_models import binary_data, mlp, ticket_data, ticket_model

X, Y = binary_data(64)


def batches_of(x, y=None, sw=None, size=16):
    for start in range(0, len(x), size):
        part = slice(start, start + size)
        yield tuple(v[part] for v in (x, y, sw) if v is not None)


class Batches(keras.utils.PyDataset):
    """A PyDataset over arrays, counting the epoch hooks."""

    def __init__(self, x, y=None, size=16, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.size = x, y, size
        self.begins = self.ends = 0
        self.asked = []

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, index):
        self.asked.append(index)
        part = slice(index * self.size, (index + 1) * self.size)
        return (self.x[part],) if self.y is None else (self.x[part], self.y[part])

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


def trained(make_data, epochs=2, seed=3, **fit_kwargs):
    keras.utils.set_random_seed(seed)
    model = mlp()
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # generators: shuffle=True is ignored, as Keras warns
        data = make_data()
        args = data if isinstance(data, tuple) else (data,)   # a tuple: arrays (x, y)
        history = model.fit(*args, epochs=epochs, verbose=0, **fit_kwargs)
    return model, history.history


def test_a_generator_a_pydataset_an_iterable_and_arrays_train_the_same():
    reference, ref_history = trained(lambda: (X, Y), epochs=1, batch_size=16, shuffle=False)
    sources = {"generator": lambda: batches_of(X, Y), "pydataset": lambda: Batches(X, Y),
               "iterable": lambda: map(tuple, zip(np.split(X, 4), np.split(Y, 4)))}
    for name, make in sources.items():
        model, history = trained(make, epochs=1, shuffle=False)
        assert history == ref_history, name
        for a, b in zip(reference.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b, err_msg=name)


def test_sample_weights_in_the_batches_weight_the_loss():
    sw = np.linspace(0, 2, 64).astype("float32")
    reference, ref_history = trained(lambda: (X, Y), epochs=1, batch_size=16, shuffle=False, sample_weight=sw)
    model, history = trained(lambda: batches_of(X, Y, sw), epochs=1)
    assert history == ref_history
    unweighted, _ = trained(lambda: batches_of(X, Y), epochs=1)
    assert not np.allclose(unweighted.get_weights()[0], model.get_weights()[0])


def test_dict_inputs_and_outputs_from_a_generator():
    x, y = ticket_data(32)
    model = ticket_model()
    model.compile("adam", {"priority": "binary_crossentropy", "department": "categorical_crossentropy"})
    data = ((({k: v[i:i + 8] for k, v in x.items()}, {k: v[i:i + 8] for k, v in y.items()})
             for i in range(0, 32, 8)))
    history = model.fit(data, verbose=0, shuffle=False).history
    assert set(history) == {"loss", "priority_loss", "department_loss"}
    assert model.predict(({k: v[i:i + 8] for k, v in x.items()},) for i in range(0, 32, 8))[0].shape == (32, 1)


def test_evaluate_and_predict_read_generators_and_pydatasets():
    model = mlp()
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    expected = model.evaluate(X, Y, batch_size=16, verbose=0)
    assert model.evaluate(batches_of(X, Y), verbose=0) == expected
    assert model.evaluate(Batches(X, Y), verbose=0) == expected
    np.testing.assert_array_equal(model.predict(batches_of(X), verbose=0), model.predict(X, verbose=0))
    np.testing.assert_array_equal(model.predict(Batches(X, Y), verbose=0), model.predict(X, verbose=0))
    # steps reads only the first batches
    assert model.evaluate(batches_of(X, Y), steps=1, verbose=0) == model.evaluate(X[:16], Y[:16], verbose=0)
    assert model.predict(Batches(X), steps=2, verbose=0).shape == (32, 1)


def test_class_weight_applies_to_each_batch_of_a_pydataset():
    reference, ref_history = trained(lambda: (X, Y), epochs=1, batch_size=16, shuffle=False,
                                     class_weight={0: 1.0, 1: 3.0})
    model, history = trained(lambda: Batches(X, Y), epochs=1, shuffle=False, class_weight={0: 1.0, 1: 3.0})
    assert history == ref_history


def test_pydataset_hooks_run_each_epoch_and_workers_are_accepted_and_ignored():
    data = Batches(X, Y, workers=4, use_multiprocessing=True, max_queue_size=2)
    model, history = trained(lambda: data, epochs=3, shuffle=False)
    assert (data.begins, data.ends) == (3, 3) and len(history["loss"]) == 3
    assert data.asked == [0, 1, 2, 3] * 3


def test_pydataset_batches_are_shuffled_by_index_when_fit_shuffles():
    data = Batches(X, Y)
    trained(lambda: data, epochs=2, shuffle=True)
    assert sorted(data.asked[:4]) == [0, 1, 2, 3] and sorted(data.asked[4:]) == [0, 1, 2, 3]
    assert data.asked != [0, 1, 2, 3] * 2   # seed 3: some epoch is not in order


def test_a_sequence_without_super_init_warns_as_keras_and_trains():
    class Old(keras.utils.Sequence):
        def __init__(self):   # Keras 2 style: no super().__init__()
            self.count = 2

        def __len__(self):
            return self.count

        def __getitem__(self, index):
            return X[index * 32:(index + 1) * 32], Y[index * 32:(index + 1) * 32]

    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    with pytest.warns(UserWarning, match=r"should call `super\(\).__init__\(\*\*kwargs\)`"):
        model.fit(Old(), verbose=0)


def test_steps_per_epoch_takes_part_of_an_endless_generator_and_continues_next_epoch():
    seen = []

    def endless():
        i = 0
        while True:
            seen.append(i)
            part = slice((i % 4) * 16, (i % 4 + 1) * 16)
            yield X[part], Y[part]
            i += 1

    _, history = trained(endless, epochs=3, steps_per_epoch=2, validation_data=endless(), validation_steps=1)
    assert len(history["loss"]) == 3 and "val_loss" in history
    # 2 batches per epoch read for training, 1 for validation: nothing read twice or skipped
    assert len(seen) == 3 * 2 + 3


def test_steps_per_epoch_on_arrays_continues_through_the_data_then_starts_again():
    keras.utils.set_random_seed(0)
    calls = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            calls.append(batch)

    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    model.fit(X, Y, batch_size=16, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[Count()])
    assert calls == [0, 1] * 3


def test_a_used_up_generator_stops_training_with_keras_warning():
    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    with pytest.warns(UserWarning, match="Your input ran out of data; interrupting training"):
        history = model.fit(batches_of(X, Y), epochs=3, verbose=0, shuffle=False)
    assert len(history.history["loss"]) == 1
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(batches_of(X, Y), epochs=2, steps_per_epoch=3, verbose=0, shuffle=False)
    assert len(history.history["loss"]) == 2   # 3 batches, then the last one: the second epoch ends early


def test_errors_name_the_mistake_as_keras_does():
    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    with pytest.raises(ValueError, match="When providing `x` as a generator, `y` should not be passed"):
        model.fit(batches_of(X, Y), Y)
    with pytest.raises(ValueError, match="When providing `x` as a PyDataset, `sample_weights` should not"):
        model.fit(Batches(X, Y), sample_weight=np.ones(64))
    with pytest.raises(ValueError, match="`class_weight` is not supported for generator inputs"):
        model.fit(batches_of(X, Y), class_weight={0: 1.0, 1: 2.0})
    with pytest.raises(ValueError, match="must yield at least one batch"):
        model.fit(b for b in ())
    with pytest.raises(ValueError, match=r"must return a tuple, either \(input,\)"):
        model.fit(x for x in np.split(X, 4))
    with pytest.raises(ValueError, match="`validation_split` is only supported for Tensors or NumPy arrays"):
        model.fit(batches_of(X, Y), validation_split=0.2)
    with pytest.raises(ValueError, match="number of steps must be a positive integer"):
        model.fit(X, Y, steps_per_epoch=0)


def test_each_batch_is_checked_against_the_model_inputs():
    model = mlp()
    model.compile("sgd", "binary_crossentropy")

    def bad_second_batch():
        yield X[:16], Y[:16]
        yield X[16:32, :3], Y[16:32]

    with pytest.raises(ValueError, match=r"Input '.*' of model '.*' expects arrays of shape \(None, 4\).*\(16, 3\)"):
        model.fit(bad_second_batch(), verbose=0, shuffle=False)

    def nan_batch():
        yield np.full((4, 4), np.nan, "float32"), Y[:4]

    with pytest.raises(ValueError, match="NaN"):
        model.fit(nan_batch(), verbose=0, shuffle=False)


def test_a_torch_dataloader_trains_like_the_arrays():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=16, shuffle=False)
    reference, ref_history = trained(lambda: (X, Y), batch_size=16, shuffle=False)
    with pytest.warns(UserWarning, match="provided as a torch DataLoader"):
        keras.utils.set_random_seed(3)
        model = mlp()
        model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
        history = model.fit(loader, epochs=2, verbose=0).history
    assert history == ref_history   # read again from the start each epoch
    for a, b in zip(reference.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.predict(loader, verbose=0).shape == (64, 1)


def test_the_progress_bar_counts_batches_of_unknown_number(capsys):
    model = mlp()
    model.compile("sgd", "binary_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(batches_of(X, Y), verbose=1)
        model.evaluate(batches_of(X, Y), verbose=1)
    lines = [line for line in capsys.readouterr().out.splitlines() if "Unknown" in line]
    assert len(lines) == 2 and all(line.split()[0] == "4/Unknown" for line in lines), lines
