"""Chapter 7: one LSTM feature extractor read by two interpreters."""
from minikeras.layers import Dense, Input  # noqa: F401
from minikeras.layers.merge import concatenate  # noqa: F401
from minikeras.layers.recurrent import LSTM  # noqa: F401
from minikeras.models import Model  # noqa: F401


def build_shared_feature_model():
    """Return a new functional model for sequences of 100 steps of one feature:

    * feature extraction: LSTM(10), returning its last hidden state;
    * a shallow interpreter reading the LSTM's output: Dense(10, relu);
    * a deep interpreter, also reading the LSTM's output:
      Dense(10, relu) -> Dense(20, relu) -> Dense(10, relu);
    * the two interpretations concatenated (shallow first), then Dense(1, sigmoid).

    Create the layers in that order (the shallow interpreter before the deep one).
    Real Keras reports 1,151 parameters for it.
    """
    raise NotImplementedError("ch07.build_shared_feature: implement build_shared_feature_model()")
