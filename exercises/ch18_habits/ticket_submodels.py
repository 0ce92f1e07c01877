"""Chapter 18, exercise ch18.submodels: build a big model from named, separately testable parts.

Two habits at once. *Separate sub-models*: write each part as its own small
model, check it alone, then combine. *Name layers*: a summary, a plot, a loss
dict and ``get_layer`` all speak in layer names; ``dense_7`` tells you nothing.
The model is the multi-input, multi-output ticket classifier of chapters 8 and 9,
rebuilt from two nested text encoders.
"""

import minikeras as keras
from minikeras import layers


def text_encoder(num_words, embed_dim, units, name):
    """A sub-model that turns a sequence of word ids into one vector.

    A ``keras.Model`` named ``name``: input of shape ``(None,)`` named
    ``f"{name}_tokens"``, ``Embedding(num_words, embed_dim)`` named
    ``f"{name}_embedding"``, ``LSTM(units)`` named ``f"{name}_lstm"``.
    Output ``(None, units)``.
    """
    raise NotImplementedError("ch18.submodels: implement text_encoder()")


def build_ticket_classifier(num_words=10000, num_tags=12, num_departments=4):
    """The ticket classifier, assembled from two ``text_encoder`` sub-models.

    * inputs: ``title`` (shape ``(None,)``), ``body`` (shape ``(None,)``) and
      ``tags`` (shape ``(num_tags,)``), in that order, with those names;
    * ``text_encoder(num_words, 64, 128, "title_encoder")`` called on ``title``
      and ``text_encoder(num_words, 64, 32, "body_encoder")`` called on ``body``;
    * the two encodings and ``tags`` concatenated (in that order) by a layer named
      ``"features"``;
    * outputs ``Dense(1, sigmoid)`` named ``"priority"`` and
      ``Dense(num_departments, softmax)`` named ``"department"``, in that order.

    Every layer has a name you chose; none is automatic. With the defaults the
    model has 1,392,097 parameters, like the flat version Keras reports.
    """
    raise NotImplementedError("ch18.submodels: implement build_ticket_classifier()")
