"""Training beyond arrays against real Keras 3 (torch backend): the same model, starting
weights and batches, fed as a generator, a PyDataset, a torch DataLoader or an endless
generator with steps_per_epoch, give the same history and weights after fit(shuffle=False);
a custom train_step, an overridden compute_loss and the endpoint pattern (compile() without
a loss) give the same weights as Keras running the same code.

Skipped when keras is not importable.
"""
import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")

import minikeras  # noqa: E402

RTOL = 1e-4
ATOL = 1e-5
RNG = np.random.default_rng(7)
X = RNG.normal(size=(48, 5)).astype("float32")
Y = (X[:, :1] - X[:, 1:2] > 0).astype("float32")
SW = RNG.random(48).astype("float32")


def _pair(out_activation="sigmoid", model_class=None):
    """The same small model in Keras and minikeras, with one set of starting weights."""
    def build(lib, cls):
        inputs = lib.Input((5,))
        hidden = lib.layers.Dense(6, activation="tanh")(inputs)
        outputs = lib.layers.Dense(1, activation=out_activation)(hidden)
        return (cls or lib.Model)(inputs, outputs)
    kmodel = build(keras, model_class[0] if model_class else None)
    mmodel = build(minikeras, model_class[1] if model_class else None)
    weights = [np.random.default_rng(0).normal(0, 0.5, np.shape(w)).astype("float32") for w in mmodel.get_weights()]
    kmodel.set_weights(weights)
    mmodel.set_weights(weights)
    return kmodel, mmodel


def _batches(x, y, sw=None, size=12):
    for start in range(0, len(x), size):
        part = slice(start, start + size)
        yield (x[part], y[part]) if sw is None else (x[part], y[part], sw[part])


def _endless(size=12):
    while True:
        yield from _batches(X, Y, size=size)


def _pydataset(lib):
    class Batches(lib.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 4

        def __getitem__(self, index):
            part = slice(index * 12, (index + 1) * 12)
            return X[part], Y[part]
    return Batches(workers=1)


def _loader():
    from torch.utils.data import DataLoader, TensorDataset
    return DataLoader(TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=12, shuffle=False)


SOURCES = {
    "generator": (lambda lib: _batches(X, Y), {}),
    "generator with sample weights": (lambda lib: _batches(X, Y, SW), {}),
    "pydataset": (_pydataset, {}),
    "dataloader": (lambda lib: _loader(), {}),
    "endless generator": (lambda lib: _endless(), {"steps_per_epoch": 3}),
}


def _assert_same(khistory, mhistory, kmodel, mmodel):
    assert set(khistory) == set(mhistory)
    for key in khistory:
        np.testing.assert_allclose(mhistory[key], khistory[key], rtol=RTOL, atol=ATOL, err_msg=key)
    for a, b in zip(kmodel.get_weights(), mmodel.get_weights()):
        np.testing.assert_allclose(b, np.asarray(a), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("source", list(SOURCES))
def test_sources_of_batches_train_as_keras(source):
    make, fit_kwargs = SOURCES[source]
    kmodel, mmodel = _pair()
    histories = []
    for lib, model in ((keras, kmodel), (minikeras, mmodel)):
        model.compile(lib.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
        epochs = 1 if source.startswith("generator") else 2   # a generator is read once
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            histories.append(model.fit(make(lib), epochs=epochs, shuffle=False, verbose=0, **fit_kwargs).history)
    _assert_same(*histories, kmodel, mmodel)


def test_validation_data_and_evaluate_on_generators_as_keras():
    kmodel, mmodel = _pair()
    histories, evaluations = [], []
    for lib, model in ((keras, kmodel), (minikeras, mmodel)):
        model.compile(lib.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # validation restarts at each epoch: a PyDataset read 3 batches of 4 each time
            histories.append(model.fit(_endless(), epochs=2, steps_per_epoch=4, shuffle=False, verbose=0,
                                       validation_data=_pydataset(lib), validation_steps=3).history)
            evaluations.append(model.evaluate(_batches(X, Y), verbose=0))
            evaluations.append(model.predict(_batches(X, Y), verbose=0))
    _assert_same(*histories, kmodel, mmodel)
    np.testing.assert_allclose(evaluations[2], evaluations[0], rtol=RTOL)
    np.testing.assert_allclose(evaluations[3], np.asarray(evaluations[1]), rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------ custom steps, as each library writes them

class KerasCustom(keras.Model):
    """The guide's first example, torch backend."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class MiniCustom(minikeras.Model):
    """The same, with minikeras's tape."""

    def train_step(self, data):
        x, y = data
        with minikeras.ops.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, trainable_vars), trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_a_custom_train_step_trains_as_in_keras():
    kmodel, mmodel = _pair(out_activation=None, model_class=(KerasCustom, MiniCustom))
    histories = []
    for lib, model in ((keras, kmodel), (minikeras, mmodel)):
        model.compile(optimizer=lib.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
        histories.append(model.fit(X, Y, batch_size=12, epochs=2, shuffle=False, verbose=0).history)
    _assert_same(*histories, kmodel, mmodel)


def _extra_loss_class(lib):
    class Extra(lib.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            return loss + 0.3 * lib.ops.mean(lib.ops.abs(y_pred))
    return Extra


def test_an_overridden_compute_loss_trains_as_in_keras():
    kmodel, mmodel = _pair(out_activation=None, model_class=(_extra_loss_class(keras), _extra_loss_class(minikeras)))
    histories = []
    for lib, model in ((keras, kmodel), (minikeras, mmodel)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
        histories.append(model.fit(X, Y, sample_weight=SW, batch_size=16, epochs=2, shuffle=False,
                                   verbose=0).history)
    _assert_same(*histories, kmodel, mmodel)


def _endpoint_model(lib):
    class Endpoint(lib.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.loss_fn = lib.losses.BinaryCrossentropy(from_logits=True)

        def call(self, inputs):
            targets, logits = inputs
            self.add_loss(self.loss_fn(targets, logits))
            return lib.ops.sigmoid(logits)

    inputs = lib.Input((5,), name="inputs")
    targets = lib.Input((1,), name="targets")
    logits = lib.layers.Dense(1)(lib.layers.Dense(4, activation="relu")(inputs))
    return lib.Model([inputs, targets], Endpoint(name="endpoint")([targets, logits]))


def test_the_endpoint_pattern_without_a_compiled_loss_trains_as_in_keras():
    kmodel, mmodel = _endpoint_model(keras), _endpoint_model(minikeras)
    weights = [np.random.default_rng(1).normal(0, 0.5, np.shape(w)).astype("float32") for w in mmodel.get_weights()]
    kmodel.set_weights(weights)
    mmodel.set_weights(weights)
    histories = []
    for lib, model in ((keras, kmodel), (minikeras, mmodel)):
        model.compile(optimizer=lib.optimizers.Adam(0.01))
        histories.append(model.fit({"inputs": X, "targets": Y}, batch_size=12, epochs=2, shuffle=False,
                                   verbose=0).history)
    _assert_same(*histories, kmodel, mmodel)
    np.testing.assert_allclose(float(mmodel.losses[0]), float(kmodel.losses[0].detach()), rtol=RTOL)
