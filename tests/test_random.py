"""minikeras.random: distributions (moments and bounds on large samples), seeds (int, SeedGenerator,
global), dropout and shuffle (eager, differentiable, symbolic inside a layer), and errors."""
import numpy as np
import pytest

import minikeras as keras
from minikeras import layers, ops, random

N = 200_000


def _np(t):
    return np.asarray(t)


# ----------------------------------------------------------------------------- distributions

def test_normal_moments_and_dtype():
    x = _np(random.normal((N,), mean=2.0, stddev=3.0, seed=1))
    assert x.dtype == np.float32 and x.shape == (N,)
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.std() - 3.0) < 0.03
    assert _np(random.normal((2, 3), dtype="float64", seed=1)).dtype == np.float64


def test_uniform_bounds_and_moments():
    x = _np(random.uniform((N,), minval=-1.0, maxval=3.0, seed=2))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02
    assert abs(x.std() - 4 / np.sqrt(12)) < 0.02


def test_uniform_stays_below_maxval_after_rounding_to_float32():
    # a range so narrow that float64 draws near maxval round up to it in float32
    x = _np(random.uniform((N,), minval=1.0, maxval=1.0 + 2 ** -20, seed=0))
    assert x.max() < np.float32(1.0 + 2 ** -20)


def test_truncated_normal_is_cut_at_two_stddevs():
    x = _np(random.truncated_normal((N,), mean=1.0, stddev=0.5, seed=3))
    assert x.min() >= 1.0 - 2 * 0.5 and x.max() <= 1.0 + 2 * 0.5
    # the standard deviation of a unit normal truncated at +-2 is 0.87962566
    assert abs(x.std() - 0.5 * 0.87962566) < 0.005
    assert abs(x.mean() - 1.0) < 0.005


def test_randint_covers_the_half_open_range():
    x = _np(random.randint((N,), 3, 8, seed=4))
    assert x.dtype == np.int32
    assert set(np.unique(x)) == {3, 4, 5, 6, 7}
    counts = np.bincount(x - 3) / N
    np.testing.assert_allclose(counts, 0.2, atol=0.01)
    assert _np(random.randint((4,), 0, 2, dtype="int64", seed=1)).dtype == np.int64


def test_categorical_frequencies_follow_softmax_of_the_logits():
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    with np.errstate(divide="ignore"):
        logits = np.log(probs)
    x = _np(random.categorical(logits + 5.0, 50_000, seed=5))  # shifting logits changes nothing
    assert x.shape == (2, 50_000) and x.dtype == np.int32
    np.testing.assert_allclose(np.bincount(x[0], minlength=3) / 50_000, probs[0], atol=0.01)
    np.testing.assert_allclose(np.bincount(x[1], minlength=3) / 50_000, probs[1], atol=0.01)
    assert not (x[1] == 2).any()  # a -inf logit is never drawn


def test_gamma_beta_binomial_moments():
    g = _np(random.gamma((N,), alpha=3.0, seed=6))
    assert abs(g.mean() - 3.0) < 0.03 and abs(g.var() - 3.0) < 0.1
    b = _np(random.beta((N,), alpha=2.0, beta=5.0, seed=7))
    assert b.min() >= 0 and b.max() <= 1 and abs(b.mean() - 2 / 7) < 0.005
    n = _np(random.binomial((N,), counts=10, probabilities=0.3, seed=8))
    assert n.dtype == np.float32 and abs(n.mean() - 3.0) < 0.02 and abs(n.var() - 2.1) < 0.05


# ----------------------------------------------------------------------------- seeds

@pytest.mark.parametrize("draw", [
    lambda seed: random.normal((5,), seed=seed),
    lambda seed: random.uniform((5,), seed=seed),
    lambda seed: random.truncated_normal((5,), seed=seed),
    lambda seed: random.randint((5,), 0, 1000, seed=seed),
    lambda seed: random.categorical(np.zeros((2, 10)), 5, seed=seed),
    lambda seed: random.dropout(np.ones((4, 8)), 0.5, seed=seed),
    lambda seed: random.shuffle(np.arange(20.0), seed=seed),
])
def test_int_seeds_repeat_and_differ(draw):
    a, b, c = _np(draw(11)), _np(draw(11)), _np(draw(12))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seed_generator_advances_and_repeats():
    g1, g2 = random.SeedGenerator(42), random.SeedGenerator(42)
    first = [_np(random.normal((4,), seed=g1)) for _ in range(3)]
    second = [_np(random.normal((4,), seed=g2)) for _ in range(3)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)           # same seed, same sequence
    assert not np.array_equal(first[0], first[1])      # each draw moves the state on
    assert g1.state.value.tolist() == [42, 3]
    # the generator's first draw is the stateless draw of its seed, as in Keras
    np.testing.assert_array_equal(first[0], _np(random.normal((4,), seed=42)))


def test_seed_generator_config_and_unseeded_repeatability():
    g = random.SeedGenerator(7)
    assert g.get_config() == {"seed": 7}
    assert random.SeedGenerator.from_config(g.get_config()).state.value.tolist() == [7, 0]
    keras.utils.set_random_seed(5)
    a = _np(random.uniform((3,), seed=random.SeedGenerator()))
    b = _np(random.uniform((3,)))
    keras.utils.set_random_seed(5)
    np.testing.assert_array_equal(a, _np(random.uniform((3,), seed=random.SeedGenerator())))
    np.testing.assert_array_equal(b, _np(random.uniform((3,))))


@pytest.mark.parametrize("seed", [1.5, "1", True, -1, 2 ** 32, [1, 2, 3]])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(ValueError, match="seed"):
        random.normal((2,), seed=seed)


def test_bad_seed_generator_seed_is_refused():
    with pytest.raises(ValueError, match="SeedGenerator: `seed` must be an integer"):
        random.SeedGenerator("abc")


def test_explicit_state_seed():
    np.testing.assert_array_equal(_np(random.normal((3,), seed=np.array([9, 0], dtype="uint32"))),
                                  _np(random.normal((3,), seed=9)))


# ----------------------------------------------------------------------------- argument errors

def test_shape_and_dtype_errors():
    with pytest.raises(ValueError, match=r"random.normal: `shape` must be fully known, received \(None, 3\)"):
        random.normal((None, 3))
    with pytest.raises(ValueError, match="non-negative integers"):
        random.uniform((2, -1))
    with pytest.raises(ValueError, match="random.uniform: `dtype` must be a floating-point type"):
        random.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="random.randint: `dtype` must be an integer type"):
        random.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="`maxval` must be greater than `minval`"):
        random.randint((2,), 3, 3)
    with pytest.raises(ValueError, match="2-D"):
        random.categorical(np.zeros(3), 2)
    with pytest.raises(ValueError, match="probabilities"):
        random.binomial((2,), 5, 1.5)


# ----------------------------------------------------------------------------- dropout

def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = np.full((400, 500), 2.0, dtype="float32")
    y = _np(random.dropout(x, 0.3, seed=1))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 2.0 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 2.0) < 0.02   # the expectation is unchanged


def test_dropout_rate_edges():
    x = np.ones((3, 4), dtype="float32")
    np.testing.assert_array_equal(_np(random.dropout(x, 0.0, seed=1)), x)
    np.testing.assert_array_equal(_np(random.dropout(x, 1.0, seed=1)), np.zeros_like(x))


@pytest.mark.parametrize("rate", [-0.1, 1.5, "half", None, True])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ValueError, match=r"random.dropout: `rate` must be a number between 0 and 1"):
        random.dropout(np.ones((2, 2)), rate)


def test_dropout_noise_shape_broadcasts_one_decision():
    x = np.ones((8, 5, 6), dtype="float32")
    y = _np(random.dropout(x, 0.5, noise_shape=(None, 1, 6), seed=3))
    assert (y == y[:, :1, :]).all()       # same decision at every time step
    assert 0 < (y == 0).mean() < 1
    with pytest.raises(ValueError, match="does not broadcast"):
        random.dropout(x, 0.5, noise_shape=(8, 2, 6))
    with pytest.raises(ValueError, match="as many axes"):
        random.dropout(x, 0.5, noise_shape=(8, 6))


def test_dropout_gradient_is_the_same_mask():
    x = ops.convert_to_tensor(np.arange(1.0, 13.0).reshape(3, 4))
    with ops.GradientTape() as tape:
        tape.watch(x)
        y = random.dropout(x, 0.5, seed=4)
        loss = ops.sum(y)
    g = _np(tape.gradient(loss, x))
    np.testing.assert_allclose(g, (_np(y) != 0) * 2.0)


def test_shuffle_permutes_one_axis_and_is_differentiable():
    x = np.arange(24.0).reshape(6, 4)
    y = _np(random.shuffle(x, seed=2))
    assert sorted(map(tuple, y)) == sorted(map(tuple, x))   # whole rows move
    y1 = _np(random.shuffle(x, axis=1, seed=2))
    np.testing.assert_array_equal(np.sort(y1, axis=1), x)
    t = ops.convert_to_tensor(x)
    w = np.arange(24.0).reshape(6, 4)
    with ops.GradientTape() as tape:
        tape.watch(t)
        out = random.shuffle(t, seed=2)
        loss = ops.sum(ops.multiply(out, w))
    g = _np(tape.gradient(loss, t))
    # d loss / d x[i] is the weight of the row x[i] was moved to
    moved_to = [int(np.where((_np(out) == row).all(axis=1))[0][0]) for row in _np(t)]
    np.testing.assert_allclose(g, w[moved_to])
    with pytest.raises(ValueError, match="scalar"):
        random.shuffle(np.float32(3.0))


# ----------------------------------------------------------------------------- inside a layer

class NoisyDropout(layers.Layer):
    """A custom layer that owns a SeedGenerator, as Keras 3's guides write it."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training:
            return random.dropout(inputs, self.rate, seed=self.seed_generator)
        return inputs


def _model(seed):
    inputs = keras.Input((16,))
    outputs = NoisyDropout(0.5, seed=seed)(inputs)
    assert outputs.shape == (None, 16)
    return keras.Model(inputs, outputs)


def test_seed_generator_inside_a_functional_model():
    model = _model(seed=3)
    layer = model.layers[-1]
    assert layer.seed_generator.state.value.tolist() == [3, 0]  # building drew nothing
    x = np.ones((4, 16), dtype="float32")
    a = _np(model(x, training=True))
    b = _np(model(x, training=True))
    assert layer.seed_generator.state.value.tolist() == [3, 2]
    assert not np.array_equal(a, b)                              # fresh noise each call
    np.testing.assert_array_equal(_np(model(x, training=False)), x)
    again = _model(seed=3)                                       # same seed, same sequence
    np.testing.assert_array_equal(_np(again(x, training=True)), a)
    np.testing.assert_array_equal(_np(again(x, training=True)), b)
    assert layer.weights == []                                   # the state is not a weight


def test_seed_generator_layer_trains():
    inputs = keras.Input((8,))
    x = layers.Dense(8)(inputs)
    x = NoisyDropout(0.2, seed=1)(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    data = np.random.default_rng(0).normal(size=(32, 8)).astype("float32")
    history = model.fit(data, data[:, :1], epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.layers[2].seed_generator.state.value[1] == 8   # 4 batches x 2 epochs


# ----------------------------------------------------------------------------- layers that draw from it

def test_dropout_layer_with_a_seed_repeats_and_without_follows_the_global_seed():
    x = np.ones((6, 10), dtype="float32")
    a = layers.Dropout(0.5, seed=7)
    b = layers.Dropout(0.5, seed=7)
    first = _np(a(x, training=True))
    np.testing.assert_array_equal(first, _np(b(x, training=True)))
    assert not np.array_equal(first, _np(a(x, training=True)))    # the generator moved on
    assert set(np.unique(first)) <= {0.0, 2.0}
    np.testing.assert_array_equal(_np(a(x, training=False)), x)
    keras.utils.set_random_seed(3)
    c = _np(layers.Dropout(0.5)(x, training=True))
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(c, _np(layers.Dropout(0.5)(x, training=True)))


def test_dropout_layer_noise_shape():
    x = np.ones((4, 5, 6), dtype="float32")
    y = _np(layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=1)(x, training=True))
    assert (y == y[:, :1, :]).all() and 0 < (y == 0).mean() < 1


@pytest.mark.parametrize("rnn", [layers.SimpleRNN, layers.GRU, layers.LSTM])
def test_rnn_input_dropout_is_one_mask_per_sequence(rnn):
    x = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")
    layer = rnn(2, dropout=0.5, seed=11, return_sequences=True)
    plain = rnn(2, return_sequences=True)
    layer.build((None, 5, 4))
    plain.build((None, 5, 4))
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(layer(x)), _np(plain(x)), rtol=1e-6)          # inference: no dropout
    trained = _np(layer(x, training=True))
    # the same mask as random.dropout draws with the layer's seed, shared by all time steps
    mask = _np(random.dropout(np.ones((3, 1, 4), dtype="float32"), 0.5, seed=11))
    np.testing.assert_allclose(trained, _np(plain(x * mask)), rtol=1e-5, atol=1e-6)


def test_bidirectional_passes_training_to_its_layers():
    x = np.ones((2, 3, 4), dtype="float32")
    layer = layers.Bidirectional(layers.LSTM(2, dropout=0.9, seed=1))
    assert not np.allclose(_np(layer(x, training=True)), _np(layer(x, training=False)))


def test_rnn_dropout_arguments_are_checked():
    with pytest.raises(ValueError, match=r"`dropout` must be between 0 and 1, received 1.5"):
        layers.LSTM(2, dropout=1.5)
    with pytest.raises(ValueError, match="recurrent_dropout=0.2 is not supported by minikeras"):
        layers.GRU(2, recurrent_dropout=0.2)
