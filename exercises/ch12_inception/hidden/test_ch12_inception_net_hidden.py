import pytest

from inception_net import build_inception_net
from probes_ch12 import module_model


@pytest.mark.exercise("ch12.inception_net", points=1)
def test_keras_layer_order_of_a_module_and_other_sizes():
    model = module_model((32, 32, 16), 8, 16, 4, 4)
    got = [(type(l).__name__, getattr(l, "filters", None)) for l in model.layers]
    assert got == [("InputLayer", None), ("Conv2D", 8), ("Conv2D", 2), ("MaxPooling2D", None),
                   ("Conv2D", 8), ("Conv2D", 16), ("Conv2D", 4), ("Conv2D", 4), ("Concatenate", None)]
    small = build_inception_net(input_shape=(32, 32, 3), num_classes=5)
    assert small.layers[-3].output_shape == (None, 8, 8, 480)
    assert small.count_params() == 480138 - (480 * 10 + 10) + (480 * 5 + 5)
