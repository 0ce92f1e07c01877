"""Chapter 13, exercise ch13.ensemble: an ensemble of models called on one input."""

import minikeras as keras
from minikeras import layers


def get_model(input_dim=128):
    """One member: ``Input((input_dim,))`` then ``Dense(1, activation="sigmoid")``,
    as a ``keras.Model`` (``input_dim + 1`` parameters)."""
    raise NotImplementedError("ch13.ensemble: implement get_model()")


def build_ensemble(members, input_dim=128):
    """Return a ``keras.Model`` that averages the predictions of ``members``.

    ``members`` is a list of models (two or more) that each read ``(input_dim,)``
    vectors. Make ONE new input, call every member on it (in list order), and
    merge the outputs with ``layers.average``. The ensemble adds no parameters:
    its count is the sum of the members'.
    """
    raise NotImplementedError("ch13.ensemble: implement build_ensemble()")
