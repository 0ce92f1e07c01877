import pytest

from fix_rnn import fixed_rnn


@pytest.mark.exercise("ch05.fix_rnn", points=1)
def test_lstm_returns_its_last_state_and_the_output_is_sigmoid():
    model = fixed_rnn()
    assert model.layers[1].get_config()["return_sequences"] is False
    assert model.layers[2].get_config()["activation"] == "sigmoid"
    assert model.count_params() == 361
