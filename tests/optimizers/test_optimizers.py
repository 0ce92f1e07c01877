"""Optimizers: numba kernels against their numpy references, Keras 3 defaults, state that
can be saved and restored, learning rates (settable, schedules), clipping and errors."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import optimizers
from minikeras.ops import Variable
from minikeras.optimizers import kernels

E = np.zeros(0, "float32")


def _arrays(rng, n, shape=(3, 5)):
    return [rng.normal(size=shape).astype("float32") for _ in range(n)]


KERNEL_CASES = [
    ("sgd", 2, (0.1,)),
    ("sgd_momentum", 3, (0.1, 0.9, False)),
    ("sgd_momentum", 3, (0.1, 0.9, True)),
    ("rmsprop", 3, (E, E, 0.01, 0.9, 0.0, 1e-7)),
    ("adagrad", 3, (0.1, 1e-7)),
    ("adadelta", 4, (1.0, 0.95, 1e-7)),
    ("adam", 4, (E, 0.01, 0.9, 0.999, 1e-7)),
    ("nadam", 4, (0.01, 0.9, 0.999, 1e-7, 0.45, 0.46, 0.45, 0.2, 0.001)),
    ("adamax", 4, (0.01, 0.9, 0.999, 1e-7)),
    ("lion", 3, (0.01, 0.9, 0.99)),
]


@pytest.mark.parametrize("name,n_arrays,scalars", KERNEL_CASES)
def test_numba_kernels_match_numpy_references(name, n_arrays, scalars):
    rng = np.random.default_rng(0)
    arrays = _arrays(rng, n_arrays)
    for i in range(2, n_arrays):  # accumulators are non-negative
        arrays[i] = np.abs(arrays[i])
    fast = [a.copy() for a in arrays]
    slow = [a.copy() for a in arrays]
    for _ in range(3):
        getattr(kernels, name)(*fast, *scalars)
        getattr(kernels, name + "_reference")(*slow, *scalars)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_rmsprop_and_adam_variants_match_references():
    rng = np.random.default_rng(1)
    var, grad, vel, mom, avg = _arrays(rng, 5)
    vel, avg = np.abs(vel), avg * 0.01
    fast = [a.copy() for a in (var, grad, vel, mom, avg)]
    slow = [a.copy() for a in (var, grad, vel, mom, avg)]
    kernels.rmsprop(*fast, 0.01, 0.9, 0.5, 1e-7)
    kernels.rmsprop_reference(*slow, 0.01, 0.9, 0.5, 1e-7)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    var, grad, m, v, vhat = _arrays(rng, 5)
    v, vhat = np.abs(v), np.abs(vhat)
    fast = [a.copy() for a in (var, grad, m, v, vhat)]
    slow = [a.copy() for a in (var, grad, m, v, vhat)]
    kernels.adam(*fast, 0.01, 0.9, 0.999, 1e-7)
    kernels.adam_reference(*slow, 0.01, 0.9, 0.999, 1e-7)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_keras3_defaults():
    keras.backend.clear_session()
    assert optimizers.RMSprop().name == "rm_sprop"  # Keras 3's automatic name
    assert optimizers.RMSprop().name == "rm_sprop_1"
    assert optimizers.RMSprop().get_config()["rho"] == 0.9
    assert optimizers.RMSprop().epsilon == 1e-7
    assert optimizers.Adam().epsilon == 1e-7
    assert float(optimizers.Adam().learning_rate) == pytest.approx(0.001)
    assert float(optimizers.SGD().learning_rate) == pytest.approx(0.01)
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert optimizers.Adadelta().rho == 0.95


def test_sgd_step_by_hand_and_iterations():
    v = Variable(np.array([1.0, -2.0], "float32"))
    opt = optimizers.SGD(0.1)
    opt.apply_gradients(zip([np.array([0.5, 1.0], "float32")], [v]))
    np.testing.assert_allclose(v.value, [0.95, -2.1])
    assert int(opt.iterations) == 1
    opt.apply_gradients([(np.array([0.5, 1.0], "float32"), v)])
    assert int(opt.iterations) == 2


def test_learning_rate_is_settable_and_keras2_lr_still_works():
    opt = optimizers.Adam(learning_rate=0.01)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    assert float(opt.lr) == 0.5
    with pytest.warns(UserWarning, match="`lr` argument is deprecated"):
        old = optimizers.RMSprop(lr=0.02)
    assert float(old.learning_rate) == pytest.approx(0.02)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.SGD(learnig_rate=0.1)


def test_schedules():
    exp = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert float(exp(0)) == pytest.approx(0.1)
    assert float(exp(10)) == pytest.approx(0.05)
    assert float(exp(5)) == pytest.approx(0.1 * 0.5 ** 0.5)
    stairs = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert float(stairs(15)) == pytest.approx(0.05)
    piece = optimizers.schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5, 0.1])
    assert [float(piece(s)) for s in range(6)] == pytest.approx([1.0, 1.0, 1.0, 0.5, 0.5, 0.1])
    with pytest.raises(ValueError, match="1 less than"):
        optimizers.schedules.PiecewiseConstantDecay([2, 4], [1.0, 0.5])


def test_optimizer_follows_its_schedule_and_refuses_to_set_lr():
    v = Variable(np.zeros(1, "float32"))
    opt = optimizers.SGD(optimizers.schedules.PiecewiseConstantDecay([0], [1.0, 0.1]))
    g = np.ones(1, "float32")
    opt.apply_gradients([(g, v)])      # step 0: lr 1.0
    opt.apply_gradients([(g, v)])      # step 1: lr 0.1
    np.testing.assert_allclose(v.value, [-1.1])
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.5
    decayed = optimizers.SGD(1.0, decay=1.0)   # Keras 2: lr / (1 + decay * iterations)
    w = Variable(np.zeros(1, "float32"))
    decayed.apply_gradients([(g, w)])
    decayed.apply_gradients([(g, w)])
    np.testing.assert_allclose(w.value, [-1.5])


def test_clipping():
    g = np.array([3.0, 4.0], "float32")
    for kwargs, expected in ((dict(clipnorm=1.0), [-0.6, -0.8]), (dict(clipvalue=1.0), [-1.0, -1.0]),
                             (dict(global_clipnorm=2.5), [-1.5, -2.0])):
        v = Variable(np.zeros(2, "float32"))
        optimizers.SGD(1.0, **kwargs).apply_gradients([(g, v)])
        np.testing.assert_allclose(v.value, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_state_can_be_saved_and_restored_to_continue_identically():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(4,)).astype("float32") for _ in range(6)]
    for cls in (optimizers.SGD, optimizers.RMSprop, optimizers.Adam, optimizers.Adagrad, optimizers.Adadelta,
                optimizers.Nadam):
        kwargs = {"momentum": 0.9} if cls is optimizers.SGD else {}
        v1 = Variable(np.ones(4, "float32"))
        opt1 = cls(**kwargs)
        for g in grads[:3]:
            opt1.apply_gradients([(g, v1)])
        store = {}
        opt1.save_own_variables(store)
        assert len(store) == len(opt1.variables) >= 2
        v2 = Variable(v1.value.copy())
        opt2 = cls(**kwargs)
        opt2.build([v2])
        opt2.load_own_variables(store)
        assert int(opt2.iterations) == 3
        for g in grads[3:]:
            opt1.apply_gradients([(g, v1)])
            opt2.apply_gradients([(g, v2)])
        np.testing.assert_array_equal(v1.value, v2.value)


def test_variables_list_iteration_learning_rate_then_slots():
    opt = optimizers.Adam()
    w, b = Variable(np.zeros((2, 3), "float32"), path="dense/kernel"), Variable(np.zeros(3, "float32"), path="d/b")
    opt.build([w, b])
    names = [v.path.split("/")[-1] for v in opt.variables]
    assert names == ["iteration", "learning_rate", "dense_kernel_momentum", "dense_kernel_velocity",
                     "d_b_momentum", "d_b_velocity"]
    with pytest.raises(ValueError, match="shape"):
        opt.set_weights([np.zeros(())] * 2 + [np.zeros((3, 3))] * 4)


def test_unknown_variable_and_missing_gradients():
    opt = optimizers.SGD()
    a, b = Variable(np.zeros(2, "float32")), Variable(np.zeros(2, "float32"), path="other/var")
    opt.apply_gradients([(np.ones(2, "float32"), a)])
    with pytest.raises(KeyError, match="Unknown variable: other/var"):
        opt.apply_gradients([(np.ones(2, "float32"), b)])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(np.ones(2, "float32"), a), (None, Variable(np.zeros(1), path="x/y"))])
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply_gradients([(None, a)])


def test_config_round_trip_and_get():
    opt = optimizers.RMSprop(learning_rate=0.003, rho=0.8, momentum=0.1, centered=True, clipnorm=2.0)
    again = optimizers.RMSprop.from_config(opt.get_config())
    assert again.get_config() == opt.get_config()
    scheduled = optimizers.SGD(optimizers.schedules.ExponentialDecay(0.1, 3, 0.9))
    restored = optimizers.deserialize(optimizers.serialize(scheduled))
    assert float(restored.learning_rate) == pytest.approx(0.1)
    assert isinstance(optimizers.get("nadam"), optimizers.Nadam)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamm'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="do not implement `use_ema`"):
        optimizers.Adam(use_ema=True)


def test_custom_training_loop_with_gradient_tape_reduces_the_loss():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    optimizer = keras.optimizers.SGD(0.1)
    loss_fn = keras.losses.MeanSquaredError()
    losses = []
    for _ in range(30):
        with keras.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        losses.append(float(loss))
    assert losses[-1] < 0.01 * losses[0]
    assert int(optimizer.iterations) == 30


@pytest.mark.parametrize("name,cls", [("adamax", "Adamax"), ("lion", "Lion")])
def test_adamax_and_lion_by_name_config_and_state(name, cls):
    opt = optimizers.get(name)
    assert type(opt) is getattr(optimizers, cls)
    config = opt.get_config()
    assert optimizers.deserialize(optimizers.serialize(opt)).get_config() == {**config, "name": config["name"]}
    var = Variable(np.ones((2, 3), dtype="float32"))
    opt.apply_gradients([(np.full((2, 3), 0.5, dtype="float32"), var)])
    assert (var.numpy() < 1).all()
    # state: iteration, learning rate, then the slots (Adamax: momentum and norm; Lion: momentum)
    assert len(opt.variables) == 2 + (2 if name == "adamax" else 1)


def test_lion_steps_have_the_size_of_the_learning_rate():
    var = Variable(np.zeros(4, dtype="float32"))
    opt = optimizers.Lion(learning_rate=0.1)
    opt.apply_gradients([(np.array([3.0, -0.001, 200.0, -5.0], dtype="float32"), var)])
    np.testing.assert_allclose(var.numpy(), [-0.1, 0.1, -0.1, 0.1], rtol=1e-6)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
