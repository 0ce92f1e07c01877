import pytest

import minikeras as keras

from multi_output_models import build_class_and_box_model, build_multi_output_model

KERAS_SUMMARY = """\
____________________________________________________________________________________________________
Layer (type)                     Output Shape          Param #     Connected to
====================================================================================================
input_1 (InputLayer)             (None, 100, 1)        0
____________________________________________________________________________________________________
lstm_1 (LSTM)                    (None, 100, 10)       480         input_1[0][0]
____________________________________________________________________________________________________
lstm_2 (LSTM)                    (None, 10)            840         lstm_1[0][0]
____________________________________________________________________________________________________
dense_1 (Dense)                  (None, 10)            110         lstm_2[0][0]
____________________________________________________________________________________________________
dense_2 (Dense)                  (None, 1)             11          dense_1[0][0]
____________________________________________________________________________________________________
time_distributed_1 (TimeDistribu (None, 100, 1)        11          lstm_1[0][0]
====================================================================================================
Total params: 1,452
Trainable params: 1,452
Non-trainable params: 0
____________________________________________________________________________________________________"""


@pytest.mark.exercise("ch09.build_multi_output", points=1)
def test_summary_is_the_one_keras_printed_for_the_tutorial():
    keras.backend.clear_session()
    model = build_multi_output_model()
    lines = []
    model.summary(print_fn=lines.append)
    assert [line.rstrip() for line in lines] == KERAS_SUMMARY.splitlines()
    assert [layer.get_config()["activation"] for layer in model.layers[3:5]] == ["relu", "sigmoid"]


@pytest.mark.exercise("ch09.build_class_and_box", points=1)
def test_class_and_box_trunk_settings():
    model = build_class_and_box_model()
    convs = [layer.get_config() for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert [(c["filters"], tuple(c["kernel_size"]), c["activation"]) for c in convs] == \
        [(64, (3, 3), "relu"), (128, (3, 3), "relu"), (256, (3, 3), "relu")]
