"""Chapter 7: repair a model with two interpreters of one feature extractor.

``broken_interpreters_model`` was meant to read sequences of 20 steps of 3 features:

* an LSTM(6) extracts features (its last hidden state);
* a shallow interpreter reads the LSTM's features: Dense(4, relu);
* a deep interpreter also reads the LSTM's features: Dense(8, relu) -> Dense(4, relu);
* the two interpretations (shallow first, then the deep one's *last* layer) are
  concatenated and read by Dense(1, sigmoid).

Run it and read the error; once it builds, compare its summary with that description.
There are two mistakes. Leave ``broken_interpreters_model`` as it is and write the
working model in ``fixed_interpreters_model``.
"""
from minikeras.layers import Dense, Input
from minikeras.layers.merge import concatenate
from minikeras.layers.recurrent import LSTM
from minikeras.models import Model


def broken_interpreters_model():
    visible = Input(shape=(20, 3))
    features = LSTM(6)(visible)
    shallow = Dense(4, activation="relu")(visible)
    deep1 = Dense(8, activation="relu")(features)
    deep2 = Dense(4, activation="relu")(deep1)
    merge = concatenate([shallow, deep1])
    output = Dense(1, activation="sigmoid")(merge)
    return Model(inputs=visible, outputs=output)


def fixed_interpreters_model():
    """Return the model ``broken_interpreters_model`` was meant to be: input
    (batch, 20, 3), output (batch, 1). Create its layers in the same order."""
    raise NotImplementedError("ch07.fix_interpreters: implement fixed_interpreters_model()")
