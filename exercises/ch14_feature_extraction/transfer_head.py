"""Chapter 14, exercise ch14.frozen_head: reuse a trained network's features for a new task."""

import minikeras as keras
from minikeras import layers


def build_transfer_model(base, feature_layer, units=1, activation="sigmoid"):
    """Return a new model: ``base`` up to ``feature_layer``, frozen, plus a new Dense head.

    1. ``extractor``: a ``keras.Model`` from ``base.input`` to the output of
       ``base.get_layer(feature_layer)``, named ``"extractor"``; set
       ``extractor.trainable = False`` so that training leaves it alone.
    2. A new ``keras.Input`` with the shape of one sample of ``base``'s input
       (``base.input_shape[1:]``), the extractor called on it, then
       ``Dense(units, activation=activation, name="head")``.

    Return the model (its layers: the new input, the extractor, the head). Its
    only trainable weights are the head's: ``features * units + units`` numbers.
    """
    raise NotImplementedError("ch14.frozen_head: implement build_transfer_model()")
