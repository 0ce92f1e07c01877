"""Chapter 9: repair a model with two outputs.

``broken_two_head_model`` was meant to read sequences of 30 steps with 2 features and
give two answers: a probability for the whole sequence, and two numbers for every step.
An LSTM(6) extracts features at every step; a classification head (LSTM(4) then
Dense(1, sigmoid)) summarises them, and a sequence head applies the same Dense(2) to
each step's features. Run it and read each error: there are two mistakes. Leave
``broken_two_head_model`` as it is and write the working model in
``fixed_two_head_model``.
"""
from minikeras.layers import Dense, Input
from minikeras.layers.recurrent import LSTM
from minikeras.layers.wrappers import TimeDistributed
from minikeras.models import Model


def broken_two_head_model():
    visible = Input(shape=(30, 2))
    extract = LSTM(6)(visible)
    summary = LSTM(4)(extract)
    output1 = Dense(1, activation="sigmoid")(summary)
    output2 = TimeDistributed(Dense(2))(summary)
    return Model(inputs=visible, outputs=[output1, output2])


def fixed_two_head_model():
    """Return the model ``broken_two_head_model`` was meant to be: outputs
    ``[probability, per_step]`` with shapes (batch, 1) and (batch, 30, 2)."""
    visible = Input(shape=(30, 2))
    extract = LSTM(6, return_sequences=True)(visible)
    summary = LSTM(4)(extract)
    output1 = Dense(1, activation="sigmoid")(summary)
    output2 = TimeDistributed(Dense(2))(extract)
    return Model(inputs=visible, outputs=[output1, output2])
