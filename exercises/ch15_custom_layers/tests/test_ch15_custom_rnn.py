import numpy as np
import pytest

from minikeras import layers

from custom_rnn_layer import CustomRNN, build_mixed_model


def numpy_rnn(layer, x):
    """The loop of the chapter, in NumPy, with the layer's own weights."""
    (w1, b1), (w2, b2), (wc, bc) = [d.get_weights() for d in
                                    (layer.projection_1, layer.projection_2, layer.classifier)]
    state = np.zeros((x.shape[0], w1.shape[1]), np.float32)
    steps = []
    for t in range(x.shape[1]):
        state = np.tanh(x[:, t] @ w1 + b1) + np.tanh(state @ w2 + b2)
        steps.append(state)
    features = np.stack(steps, axis=1)
    return 1 / (1 + np.exp(-(features @ wc + bc)))


@pytest.mark.exercise("ch15.custom_rnn", points=1)
def test_the_books_model():
    model = build_mixed_model()
    assert model.count_params() == (3 * 5 * 32 + 32) + 2 * (32 * 32 + 32) + (32 + 1)
    assert model.output_shape == (16, 8, 1)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Conv1D", "CustomRNN"]


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
