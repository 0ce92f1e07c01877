"""Chapter 5: repair a sequence classifier.

``broken_rnn`` was meant to read sequences of 50 time steps with 2 features per step
(for example two sensors read together) and output, for each sequence, the probability
that it belongs to the positive class: an LSTM with 8 units summarises the sequence into
its last hidden state, and one sigmoid unit reads that summary. Run it and read the
error; once it builds, read its summary. There are two mistakes. Leave ``broken_rnn`` as
it is and write the working model in ``fixed_rnn``.
"""
from minikeras.layers import Dense, Input
from minikeras.layers.recurrent import LSTM
from minikeras.models import Model


def broken_rnn():
    visible = Input(shape=(50,))
    features = LSTM(8, return_sequences=True)(visible)
    output = Dense(1, activation="sigmoid")(features)
    return Model(inputs=visible, outputs=output)


def fixed_rnn():
    """Return the model ``broken_rnn`` was meant to be: input (batch, 50, 2), output
    (batch, 1). Keep the LSTM's size and the output unit."""
    raise NotImplementedError("ch05.fix_rnn: implement fixed_rnn()")
