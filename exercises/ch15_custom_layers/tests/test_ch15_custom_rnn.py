import numpy as np
import pytest

from custom_rnn_layer import CustomRNN
from probes_ch15 import mixed_model


def numpy_rnn(layer, x):
    """The loop of the chapter, in NumPy, with the layer's own weights."""
    weights = [d.get_weights() for d in (layer.projection_1, layer.projection_2, layer.classifier)]
    return numpy_rnn_with(weights, x)


def numpy_rnn_with(weights, x):
    """The loop of the chapter, in NumPy: ``weights`` = [(w1, b1), (w2, b2), (wc, bc)]."""
    (w1, b1), (w2, b2), (wc, bc) = weights
    state = np.zeros((x.shape[0], w1.shape[1]), np.float32)
    steps = []
    for t in range(x.shape[1]):
        state = np.tanh(x[:, t] @ w1 + b1) + np.tanh(state @ w2 + b2)
        steps.append(state)
    features = np.stack(steps, axis=1)
    return 1 / (1 + np.exp(-(features @ wc + bc)))


def numpy_mixed_model(weights, x):
    """Conv1D (valid padding, no activation) then the chapter's loop, in NumPy."""
    kernel, bias, *rnn = weights
    width = kernel.shape[0]
    steps = x.shape[1] - width + 1
    conv = np.stack([np.einsum("bkc,kcf->bf", x[:, t:t + width], kernel) for t in range(steps)], axis=1) + bias
    return numpy_rnn_with([rnn[0:2], rnn[2:4], rnn[4:6]], conv.astype(np.float32))


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_the_books_model():
    # A model with your layer in it stays next to your code (probes_ch15.py): its sizes,
    # weights and predictions come back, and the predictions are recomputed here.
    x = np.random.default_rng(3).normal(size=(16, 10, 5)).astype("float32")
    model = mixed_model(x)
    assert model["count_params"] == (3 * 5 * 32 + 32) + 2 * (32 * 32 + 32) + (32 + 1)
    assert model["output_shape"] == (16, 8, 1)
    assert model["classes"] == ["InputLayer", "Conv1D", "CustomRNN"]
    np.testing.assert_allclose(model["y"], numpy_mixed_model(model["weights"], x), rtol=1e-4, atol=1e-5)


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_sublayers_are_tracked():
    layer = CustomRNN(4)
    layer(np.zeros((2, 3, 5), "float32"))
    assert layer.units == 4
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(5, 4), (4,), (4, 4), (4,), (4, 1), (1,)]


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_the_loop_computes_the_recurrence():
    rng = np.random.default_rng(0)
    layer = CustomRNN(4)
    x = rng.normal(size=(2, 3, 5)).astype("float32")
    y = np.asarray(layer(x))
    assert y.shape == (2, 3, 1)
    np.testing.assert_allclose(y, numpy_rnn(layer, x), rtol=1e-5, atol=1e-6)
