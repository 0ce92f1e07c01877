"""Training parity with real Keras 3 (torch backend): same model, weights, data order and
optimizer give the same losses, metrics and weights.

Skipped when keras is not importable. Run with the parity environment:
    PYTHONPATH=. /work/kvenv/bin/python -m pytest tests/parity/test_training_parity.py
"""
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

import minikeras  # noqa: E402

RTOL = 1e-4
ATOL = 1e-6
WEIGHT_ATOL = 1e-5  # weights are of order 1: a near-zero entry cannot meet rtol alone
STEPS = 5


def _mlp(lib, n_in=6, hidden=(8, 5), out_units=3, out_activation=None, regularizer=None, seed=0):
    """The same Dense stack in Keras and in minikeras, with one set of starting weights."""
    def build(module, reg):
        inputs = module.Input((n_in,))
        x = inputs
        for units in hidden:
            x = module.layers.Dense(units, activation="tanh", kernel_regularizer=reg)(x)
        return module.Model(inputs, module.layers.Dense(out_units, activation=out_activation)(x))
    reg_k = keras.regularizers.L2(regularizer) if regularizer else None
    reg_m = minikeras.regularizers.L2(regularizer) if regularizer else None
    kmodel, mmodel = build(keras, reg_k), build(minikeras, reg_m)
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.5, np.shape(w)).astype("float32") for w in mmodel.get_weights()]
    kmodel.set_weights(weights)
    mmodel.set_weights(weights)
    return kmodel, mmodel


def _data(n=16, n_in=6, seed=1):
    return np.random.default_rng(seed).normal(size=(n, n_in)).astype("float32")


def _train_both(kmodel, mmodel, k_opt, m_opt, loss_k, loss_m, x, y, steps=STEPS, batch=8):
    kmodel.compile(optimizer=k_opt, loss=loss_k)
    mmodel.compile(optimizer=m_opt, loss=loss_m)
    k_losses, m_losses = [], []
    for step in range(steps):
        sl = slice((step * batch) % len(x), (step * batch) % len(x) + batch)
        k_losses.append(float(kmodel.train_on_batch(x[sl], y[sl])))
        m_losses.append(float(mmodel.train_on_batch(x[sl], y[sl])))
    return k_losses, m_losses


def _assert_same_weights(kmodel, mmodel, rtol=RTOL, atol=WEIGHT_ATOL):
    for a, b in zip(kmodel.get_weights(), mmodel.get_weights()):
        np.testing.assert_allclose(b, np.asarray(a), rtol=rtol, atol=atol)


OPTIMIZERS = [
    ("SGD", dict(learning_rate=0.1)),
    ("SGD", dict(learning_rate=0.05, momentum=0.9)),
    ("SGD", dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("RMSprop", dict(learning_rate=0.01)),
    ("RMSprop", dict(learning_rate=0.01, momentum=0.5, centered=True)),
    ("Adam", dict(learning_rate=0.01)),
    ("Adam", dict(learning_rate=0.01, amsgrad=True, beta_1=0.8)),
    ("AdamW", dict(learning_rate=0.01, weight_decay=0.1)),
    ("Adagrad", dict(learning_rate=0.1)),
    ("Adadelta", dict(learning_rate=1.0)),
    ("Nadam", dict(learning_rate=0.01)),
    ("SGD", dict(learning_rate=0.1, clipnorm=0.5)),
    ("SGD", dict(learning_rate=0.1, clipvalue=0.05)),
    ("Adam", dict(learning_rate=0.01, global_clipnorm=0.3)),
    ("RMSprop", dict(learning_rate=0.01, weight_decay=0.05)),
    ("Adamax", dict(learning_rate=0.01)),
    ("Adamax", dict(learning_rate=0.02, beta_1=0.8, beta_2=0.9, weight_decay=0.01)),
    ("Lion", dict(learning_rate=0.003)),
    ("Lion", dict(learning_rate=0.003, beta_1=0.5, beta_2=0.9)),
]


@pytest.mark.parametrize("name,kwargs", OPTIMIZERS, ids=[f"{n}-{'-'.join(k)}" for n, k in OPTIMIZERS])
def test_optimizer_steps_match_keras(name, kwargs):
    kmodel, mmodel = _mlp(keras)
    x = _data()
    y = np.random.default_rng(2).normal(size=(16, 3)).astype("float32")
    k_losses, m_losses = _train_both(kmodel, mmodel, getattr(keras.optimizers, name)(**kwargs),
                                     getattr(minikeras.optimizers, name)(**kwargs), "mse", "mse", x, y)
    np.testing.assert_allclose(m_losses, k_losses, rtol=RTOL)
    _assert_same_weights(kmodel, mmodel)


@pytest.mark.parametrize("schedule", ["exponential", "piecewise"])
def test_learning_rate_schedules_match_keras(schedule):
    def make(module):
        if schedule == "exponential":
            return module.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
        return module.optimizers.schedules.PiecewiseConstantDecay([1, 3], [0.1, 0.05, 0.01])
    kmodel, mmodel = _mlp(keras)
    x = _data()
    y = np.random.default_rng(2).normal(size=(16, 3)).astype("float32")
    k_losses, m_losses = _train_both(kmodel, mmodel, keras.optimizers.SGD(make(keras)),
                                     minikeras.optimizers.SGD(make(minikeras)), "mse", "mse", x, y)
    np.testing.assert_allclose(m_losses, k_losses, rtol=RTOL)
    _assert_same_weights(kmodel, mmodel)
    for step in range(6):
        assert float(make(minikeras)(step)) == pytest.approx(float(make(keras)(step)), rel=1e-6)


def _targets(kind, n=16, classes=3, seed=3):
    rng = np.random.default_rng(seed)
    if kind == "onehot":
        return np.eye(classes, dtype="float32")[rng.integers(classes, size=n)]
    if kind == "sparse":
        return rng.integers(classes, size=(n, 1))
    if kind == "binary":
        return rng.integers(2, size=(n, classes)).astype("float32")
    if kind == "prob":
        p = rng.random((n, classes)).astype("float32") + 0.1
        return p / p.sum(axis=1, keepdims=True)
    if kind == "positive":
        return rng.random((n, classes)).astype("float32") * 3 + 0.5
    return rng.normal(size=(n, classes)).astype("float32")


LOSSES = [
    ("mean_squared_error", None, "real", {}),
    ("mean_absolute_error", None, "real", {}),
    ("mean_absolute_percentage_error", None, "positive", {}),
    ("mean_squared_logarithmic_error", "softplus", "positive", {}),
    ("Huber", None, "real", dict(delta=0.7)),
    ("LogCosh", None, "real", {}),
    ("Poisson", "softplus", "positive", {}),
    ("KLDivergence", "softmax", "prob", {}),
    ("Hinge", None, "binary", {}),
    ("SquaredHinge", None, "binary", {}),
    ("CategoricalHinge", None, "onehot", {}),
    ("CosineSimilarity", None, "real", {}),
    ("BinaryCrossentropy", "sigmoid", "binary", {}),
    ("BinaryCrossentropy", None, "binary", dict(from_logits=True, label_smoothing=0.1)),
    ("CategoricalCrossentropy", "softmax", "onehot", {}),
    ("CategoricalCrossentropy", None, "onehot", dict(from_logits=True, label_smoothing=0.2)),
    ("SparseCategoricalCrossentropy", "softmax", "sparse", {}),
    ("SparseCategoricalCrossentropy", None, "sparse", dict(from_logits=True)),
]


@pytest.mark.parametrize("loss,activation,targets,kwargs", LOSSES,
                         ids=[f"{l}-{'-'.join(k) or 'default'}" for l, _, _, k in LOSSES])
def test_loss_steps_match_keras(loss, activation, targets, kwargs):
    kmodel, mmodel = _mlp(keras, out_activation=activation)
    x = _data()
    y = _targets(targets)
    if loss[0].isupper():
        loss_k, loss_m = getattr(keras.losses, loss)(**kwargs), getattr(minikeras.losses, loss)(**kwargs)
    else:
        loss_k = loss_m = loss
    k_losses, m_losses = _train_both(kmodel, mmodel, keras.optimizers.SGD(0.1), minikeras.optimizers.SGD(0.1),
                                     loss_k, loss_m, x, y)
    np.testing.assert_allclose(m_losses, k_losses, rtol=RTOL, atol=ATOL)
    _assert_same_weights(kmodel, mmodel)


def test_saturated_probabilities_give_the_same_finite_losses():
    y_true = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype="float32")
    y_pred = np.array([[0.0, 1.0, 0.0], [1e-12, 1.0 - 1e-12, 0.0]], dtype="float32")
    for name in ("categorical_crossentropy", "binary_crossentropy", "kl_divergence"):
        k = np.asarray(getattr(keras.losses, name)(y_true, y_pred))
        m = getattr(minikeras.losses, name)(y_true, y_pred).numpy()
        assert np.all(np.isfinite(m))
        np.testing.assert_allclose(m, k, rtol=1e-5, atol=1e-6)


def test_fit_history_with_metrics_and_regularizer_matches_keras():
    kmodel, mmodel = _mlp(keras, out_units=1, out_activation="sigmoid", regularizer=0.01)
    x = _data(n=40)
    y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    metrics_k = ["accuracy", keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="precision"),
                 keras.metrics.Recall(name="recall"), "mae"]
    metrics_m = ["accuracy", minikeras.metrics.AUC(name="auc"), minikeras.metrics.Precision(name="precision"),
                 minikeras.metrics.Recall(name="recall"), "mae"]
    kmodel.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=metrics_k)
    mmodel.compile(optimizer=minikeras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=metrics_m)
    sw = np.linspace(0.5, 1.5, 40).astype("float32")
    kh = kmodel.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, sample_weight=sw,
                    validation_data=(x[:10], y[:10])).history
    mh = mmodel.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, sample_weight=sw,
                    validation_data=(x[:10], y[:10])).history
    assert set(mh) == set(kh)
    for key in kh:
        np.testing.assert_allclose(mh[key], kh[key], rtol=RTOL, atol=ATOL, err_msg=key)
    _assert_same_weights(kmodel, mmodel)
    k_eval = kmodel.evaluate(x, y, verbose=0, return_dict=True)
    m_eval = mmodel.evaluate(x, y, verbose=0, return_dict=True)
    for key in k_eval:
        assert m_eval[key] == pytest.approx(float(k_eval[key]), rel=RTOL, abs=ATOL), key


def test_class_weight_matches_keras():
    kmodel, mmodel = _mlp(keras, out_units=3, out_activation="softmax")
    x = _data(n=24)
    y = _targets("sparse", n=24)
    kmodel.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    mmodel.compile(optimizer=minikeras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    cw = {0: 0.5, 1: 2.0, 2: 1.0}
    kh = kmodel.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, class_weight=cw).history
    mh = mmodel.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, class_weight=cw).history
    for key in kh:
        np.testing.assert_allclose(mh[key], kh[key], rtol=RTOL, err_msg=key)
    _assert_same_weights(kmodel, mmodel)


def test_multi_output_losses_weights_and_metric_names_match_keras():
    def build(module):
        a = module.Input((5,), name="a")
        b = module.Input((3,), name="b")
        h = module.layers.Dense(6, activation="relu")(module.layers.concatenate([a, b]))
        priority = module.layers.Dense(1, activation="sigmoid", name="priority")(h)
        department = module.layers.Dense(4, activation="softmax", name="department")(h)
        return module.Model([a, b], [priority, department])
    kmodel, mmodel = build(keras), build(minikeras)
    rng = np.random.default_rng(0)
    weights = [rng.normal(0, 0.5, np.shape(w)).astype("float32") for w in mmodel.get_weights()]
    kmodel.set_weights(weights)
    mmodel.set_weights(weights)
    n = 32
    xa = rng.normal(size=(n, 5)).astype("float32")
    xb = rng.normal(size=(n, 3)).astype("float32")
    yp = rng.integers(2, size=(n, 1)).astype("float32")
    yd = np.eye(4, dtype="float32")[rng.integers(4, size=n)]
    for model, module in ((kmodel, keras), (mmodel, minikeras)):
        model.compile(optimizer=module.optimizers.RMSprop(0.01),
                      loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
                      loss_weights={"priority": 1.0, "department": 0.5},
                      metrics={"priority": ["accuracy"], "department": ["accuracy"]})
    kh = kmodel.fit({"a": xa, "b": xb}, {"priority": yp, "department": yd}, batch_size=8, epochs=2,
                    shuffle=False, verbose=0, validation_split=0.25).history
    mh = mmodel.fit({"a": xa, "b": xb}, {"priority": yp, "department": yd}, batch_size=8, epochs=2,
                    shuffle=False, verbose=0, validation_split=0.25).history
    assert set(mh) == set(kh)
    assert {"loss", "priority_loss", "department_loss", "priority_accuracy", "department_accuracy",
            "val_loss", "val_priority_loss"} <= set(mh)
    for key in kh:
        np.testing.assert_allclose(mh[key], kh[key], rtol=RTOL, atol=ATOL, err_msg=key)
    _assert_same_weights(kmodel, mmodel)


def test_custom_training_loop_matches_keras_fit_step():
    kmodel, mmodel = _mlp(keras)
    x = _data(n=8)
    y = np.random.default_rng(4).normal(size=(8, 3)).astype("float32")
    kmodel.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    k_loss = float(kmodel.train_on_batch(x, y))
    optimizer = minikeras.optimizers.Adam(0.01)
    loss_fn = minikeras.losses.MeanSquaredError()
    with minikeras.GradientTape() as tape:
        loss = loss_fn(y, mmodel(x, training=True))
    grads = tape.gradient(loss, mmodel.trainable_weights)
    optimizer.apply_gradients(zip(grads, mmodel.trainable_weights))
    assert float(loss) == pytest.approx(k_loss, rel=RTOL)
    assert int(optimizer.iterations) == 1
    _assert_same_weights(kmodel, mmodel)


def test_optimizer_state_lists_like_keras():
    kmodel, mmodel = _mlp(keras)
    x, y = _data(), np.zeros((16, 3), "float32")
    for name in ("SGD", "RMSprop", "Adam", "Adagrad", "Adadelta", "Nadam"):
        kwargs = {"momentum": 0.9} if name == "SGD" else {}
        kopt, mopt = getattr(keras.optimizers, name)(**kwargs), getattr(minikeras.optimizers, name)(**kwargs)
        kopt.build(kmodel.trainable_variables)
        mopt.build(mmodel.trainable_variables)
        assert [tuple(v.shape) for v in mopt.variables] == [tuple(v.shape) for v in kopt.variables], name
        k_defaults = {k: v for k, v in kopt.get_config().items() if k != "name"}
        m_defaults = {k: v for k, v in mopt.get_config().items() if k != "name"}
        assert m_defaults == pytest.approx(k_defaults), name
