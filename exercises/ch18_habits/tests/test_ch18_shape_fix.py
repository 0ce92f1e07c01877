import pytest

from minikeras import layers

from shape_fix import fixed_classifier


@pytest.mark.exercise("ch18.fix_shapes", points=1)
def test_one_probability_vector_per_image():
    model = fixed_classifier()
    assert model.output_shape == (None, 10)
    assert model.count_params() == (9 * 32 + 32) + (13 * 13 * 32 * 10 + 10)


@pytest.mark.exercise("ch18.fix_shapes", points=1)
def test_layers_and_their_shapes():
    model = fixed_classifier()
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Conv2D", "MaxPooling2D", "Flatten",
                                                       "Dense"]
    assert [l.output_shape for l in model.layers[1:]] == [(None, 26, 26, 32), (None, 13, 13, 32),
                                                         (None, 5408), (None, 10)]
    assert model.layers[-1].activation.__name__ == "softmax"
