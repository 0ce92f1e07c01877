"""Chapter 5: the tutorial's LSTM sequence classifier."""
from minikeras.layers import Dense, Input  # noqa: F401
from minikeras.layers.recurrent import LSTM  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_rnn():
    """Return a new functional model for sequences of 100 steps of one feature each:

    LSTM(10) (returning only its last hidden state) -> Dense(10, relu) -> Dense(1, sigmoid)

    Remember that ``Input`` takes the shape of one sample, (steps, features), without
    the batch axis. Real Keras reports 601 parameters for it (480 in the LSTM).
    """
    raise NotImplementedError("ch05.build_rnn: implement build_rnn()")
