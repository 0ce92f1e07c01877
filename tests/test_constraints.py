"""minikeras.constraints: Keras 3's formulas, configs and lookup; every layer that takes a
constraint stores it on its weight; the optimizer applies it after each update; configs
survive get_config/from_config and .keras files."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import constraints, layers

EPS = 1e-7
rng = np.random.default_rng(0)


def _np(t):
    return np.asarray(t)


def _col_norms(w, axis=0):
    return np.sqrt((w.astype("float64") ** 2).sum(axis=axis, keepdims=True))


# ----------------------------------------------------------------------------- formulas

def test_max_norm_rescales_only_long_columns():
    w = np.array([[3.0, 0.1], [4.0, 0.2]], dtype="float32")   # column norms 5 and ~0.22
    out = _np(constraints.MaxNorm(2.0)(w))
    np.testing.assert_allclose(out[:, 0], w[:, 0] * 2 / (5 + EPS), rtol=1e-6)
    np.testing.assert_allclose(out[:, 1], w[:, 1], rtol=1e-6)
    w4 = rng.normal(size=(3, 3, 2, 4)).astype("float32")
    out4 = _np(constraints.MaxNorm(1.0, axis=[0, 1, 2])(w4))
    assert (_col_norms(out4, (0, 1, 2)) <= 1.0 + 1e-5).all()


def test_unit_norm_and_non_neg():
    w = rng.normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(_col_norms(_np(constraints.UnitNorm()(w))), 1.0, rtol=1e-5)
    np.testing.assert_allclose(_col_norms(_np(constraints.UnitNorm(axis=1)(w)), 1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(_np(constraints.NonNeg()(w)), np.maximum(w, 0))


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm_moves_norms_into_the_range(rate):
    w = np.array([[0.1, 3.0, 0.6], [0.0, 4.0, 0.8]], dtype="float32")  # norms 0.1, 5, 1
    out = _np(constraints.MinMaxNorm(min_value=0.5, max_value=2.0, rate=rate)(w))
    norms = np.array([0.1, 5.0, 1.0])
    desired = rate * np.clip(norms, 0.5, 2.0) + (1 - rate) * norms
    np.testing.assert_allclose(_col_norms(out)[0], desired * norms / (norms + EPS), rtol=1e-5)


def test_base_constraint_is_the_identity_and_subclasses_work():
    w = rng.normal(size=(2, 2)).astype("float32")
    assert constraints.Constraint()(w) is w

    class Clip(constraints.Constraint):
        def __call__(self, w):
            return keras.ops.clip(w, -0.1, 0.1)
    assert np.abs(_np(Clip()(w))).max() <= 0.1


# ----------------------------------------------------------------------------- configs and lookup

CASES = [
    (constraints.MaxNorm(3, axis=[0, 1]), {"max_value": 3, "axis": [0, 1]}),
    (constraints.NonNeg(), {}),
    (constraints.UnitNorm(axis=1), {"axis": 1}),
    (constraints.MinMaxNorm(0.1, 2.0, 0.5, 1), {"min_value": 0.1, "max_value": 2.0, "rate": 0.5, "axis": 1}),
]


@pytest.mark.parametrize("constraint,config", CASES, ids=lambda c: type(c).__name__)
def test_configs_round_trip(constraint, config):
    assert constraint.get_config() == config
    data = constraints.serialize(constraint)
    assert data == {"module": "keras.constraints", "class_name": type(constraint).__name__,
                    "config": config, "registered_name": None}
    back = constraints.deserialize(data)
    assert type(back) is type(constraint) and back.get_config() == config
    assert constraints.get(data).get_config() == config


def test_get_accepts_names_classes_instances_and_callables():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    c = constraints.MinMaxNorm()
    assert constraints.get(c) is c
    assert constraints.get(None) is None
    fn = np.abs
    assert constraints.get(fn) is fn
    assert constraints.max_norm is constraints.MaxNorm
    with pytest.raises(ValueError, match="Could not interpret constraint identifier: 'maxnorm'"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match="Could not interpret constraint identifier"):
        constraints.get(3)
    with pytest.raises(ValueError, match="Unknown constraint class 'Mystery'"):
        constraints.get({"class_name": "Mystery", "config": {}})


@keras.saving.register_keras_serializable(package="tests")
class ClipTo(constraints.Constraint):
    def __init__(self, limit):
        self.limit = limit

    def __call__(self, w):
        return keras.ops.clip(w, -self.limit, self.limit)

    def get_config(self):
        return {"limit": self.limit}


def halve(w):
    return keras.ops.multiply(w, 0.5)


def test_custom_constraints_serialize_by_registration_or_custom_objects():
    data = constraints.serialize(ClipTo(0.3))
    assert data["class_name"] == "ClipTo" and data["registered_name"] == "tests>ClipTo"
    assert constraints.deserialize(data).limit == 0.3
    fn_data = constraints.serialize(halve)
    assert fn_data["class_name"] == "function" and fn_data["config"] == "halve"
    assert constraints.deserialize(fn_data, custom_objects={"halve": halve}) is halve
    with pytest.raises(ValueError, match="Unknown constraint function 'halve'"):
        constraints.deserialize(fn_data)


# ----------------------------------------------------------------------------- layers

LAYERS = [  # (layer, input shape, {constraint argument: weight name})
    (lambda **kw: layers.Dense(3, **kw), (4,), {"kernel_constraint": "kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.Conv1D(3, 2, **kw), (5, 2), {"kernel_constraint": "kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.Conv2D(3, 2, **kw), (5, 5, 2), {"kernel_constraint": "kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.Conv2DTranspose(3, 2, **kw), (4, 4, 2),
     {"kernel_constraint": "kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.DepthwiseConv2D(2, **kw), (5, 5, 2),
     {"depthwise_constraint": "depthwise_kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.SeparableConv2D(3, 2, **kw), (5, 5, 2),
     {"depthwise_constraint": "depthwise_kernel", "pointwise_constraint": "pointwise_kernel",
      "bias_constraint": "bias"}),
    (lambda **kw: layers.Embedding(10, 3, **kw), (4,), {"embeddings_constraint": "embeddings"}),
    (lambda **kw: layers.LSTM(3, **kw), (4, 2),
     {"kernel_constraint": "kernel", "recurrent_constraint": "recurrent_kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.GRU(3, **kw), (4, 2),
     {"kernel_constraint": "kernel", "recurrent_constraint": "recurrent_kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.SimpleRNN(3, **kw), (4, 2),
     {"kernel_constraint": "kernel", "recurrent_constraint": "recurrent_kernel", "bias_constraint": "bias"}),
    (lambda **kw: layers.BatchNormalization(**kw), (4,), {"gamma_constraint": "gamma", "beta_constraint": "beta"}),
    (lambda **kw: layers.LayerNormalization(**kw), (4,), {"gamma_constraint": "gamma", "beta_constraint": "beta"}),
    (lambda **kw: layers.PReLU(**kw), (4,), {"alpha_constraint": "alpha"}),
]


@pytest.mark.parametrize("make,shape,args", LAYERS, ids=[a[0].__code__.co_names[-1] for a in LAYERS])
def test_layers_store_and_serialize_their_constraints(make, shape, args):
    kinds = [constraints.MaxNorm(1.5), constraints.NonNeg(), constraints.UnitNorm(axis=-1)]
    kwargs = {arg: kinds[i % 3] for i, arg in enumerate(args)}
    layer = make(**kwargs)
    layer(keras.Input(shape))
    by_name = {w.name: w for w in layer.weights}
    for arg, weight_name in args.items():
        assert by_name[weight_name].constraint is kwargs[arg]
    config = layer.get_config()
    for arg in args:
        assert config[arg] == constraints.serialize(kwargs[arg])
    clone = type(layer).from_config(config)
    clone(keras.Input(shape))
    clone_by_name = {w.name: w for w in clone.weights}
    for arg, weight_name in args.items():
        assert clone_by_name[weight_name].constraint.get_config() == kwargs[arg].get_config()


def test_layers_without_constraints_keep_writing_none():
    config = layers.Dense(2).get_config()
    assert config["kernel_constraint"] is None and config["bias_constraint"] is None


def test_constraint_is_applied_after_every_update_in_fit():
    inputs = keras.Input((6,))
    out = layers.Dense(4, kernel_constraint=constraints.MaxNorm(0.5), bias_constraint="non_neg")(inputs)
    model = keras.Model(inputs, out)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.normal(size=(32, 4)).astype("float32") * 10
    norms_before = _col_norms(model.layers[1].kernel.numpy())
    assert (norms_before > 0.5).any()          # the initial kernel is not constrained yet
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    kernel, bias = model.get_weights()
    assert (_col_norms(kernel) <= 0.5 + 1e-5).all()
    assert (bias >= 0).all()


def test_one_sgd_step_equals_update_then_projection():
    layer = layers.Dense(3, kernel_constraint=constraints.MaxNorm(1.0))
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layer(inputs))
    w0 = rng.normal(size=(4, 3)).astype("float32") * 2
    b0 = np.zeros(3, dtype="float32")
    model.set_weights([w0, b0])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    model.train_on_batch(x, y)
    grad = 2 * x.T @ (x @ w0 - y) / y.size
    stepped = w0 - 0.1 * grad
    expected = stepped * np.minimum(_col_norms(stepped), 1.0) / (_col_norms(stepped) + EPS)
    np.testing.assert_allclose(model.get_weights()[0], expected, rtol=1e-4, atol=1e-6)


def test_optimizer_apply_gradients_applies_variable_constraints():
    layer = layers.Dense(2, use_bias=False, kernel_constraint="non_neg")
    layer.build((None, 2))
    opt = keras.optimizers.SGD(learning_rate=1.0)
    opt.apply_gradients([(np.ones((2, 2), dtype="float32"), layer.kernel)])
    assert (layer.kernel.numpy() >= 0).all()


def test_constraints_survive_a_keras_file(tmp_path):
    inputs = keras.Input((5,))
    x = layers.Dense(4, kernel_constraint=constraints.MaxNorm(2, axis=0),
                     bias_constraint=constraints.MinMaxNorm(0.0, 1.0, 0.5))(inputs)
    x = layers.Conv1D(2, 1, kernel_constraint=ClipTo(0.2))(layers.Reshape((4, 1))(x))
    model = keras.Model(inputs, x)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    dense, conv = loaded.layers[1], loaded.layers[3]
    assert isinstance(dense.kernel_constraint, constraints.MaxNorm)
    assert dense.kernel_constraint.get_config() == {"max_value": 2, "axis": 0}
    assert dense.bias.constraint.get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 0.5,
                                                  "axis": 0}
    assert isinstance(conv.kernel.constraint, ClipTo) and conv.kernel.constraint.limit == 0.2
