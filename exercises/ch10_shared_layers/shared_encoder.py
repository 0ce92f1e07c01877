"""Chapter 10, exercise ch10.shared_encoder: one text encoder for two texts.

Build the model of the chapter's section "A shared encoder: embedding and LSTM".
"""

import minikeras as keras
from minikeras import layers


def build_shared_encoder(vocab_size=10000, embed_dim=128, units=64, seq_len=100):
    """Return a ``keras.Model`` that reads two texts with ONE shared encoder.

    * two inputs of shape ``(seq_len,)`` named ``"input_a"`` and ``"input_b"``
      (in that order: ``Model(inputs=[input_a, input_b], ...)``);
    * one ``Embedding(vocab_size, embed_dim)`` called on both inputs;
    * one ``LSTM(units)`` called on both embedded sequences;
    * the two LSTM outputs concatenated (a first, then b), then
      ``Dense(1, activation="sigmoid")``.

    With the defaults the model has 1,329,537 parameters (check with
    ``model.count_params()``). Hint: create each shared layer once, store it
    in a variable, and call that variable twice.
    """
    raise NotImplementedError("ch10.shared_encoder: implement build_shared_encoder()")
