"""Reuters newswires: 11,228 texts in 46 topics, split into train and test by ``test_split``.

Texts are lists of word ranks (see ``_word_sequences.py``); ``load_data()`` reads Keras's
``~/.keras/datasets/reuters.npz`` (arrays ``x`` and ``y``), ``get_word_index()`` its
``reuters_word_index.json``; ``get_label_names()`` names the 46 topics.
"""
import numpy as np

from ._npz_files import load_npz
from ._word_sequences import cached, drop_long, limit_vocabulary, read_word_index, shift, shuffled

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi",
    "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc",
    "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3):
    """Return ``(x_train, y_train), (x_test, y_test)``; the first ``1 - test_split`` of the
    shuffled texts train."""
    f = load_npz(cached(path, "keras.datasets.reuters.load_data()"), required=("x", "y"))
    xs, labels = shuffled(np.random.RandomState(seed), f["x"], f["y"])
    xs = shift(xs, start_char, index_from)
    if maxlen:
        xs, labels = drop_long(maxlen, xs, labels)
    xs = limit_vocabulary(xs, num_words, skip_top, oov_char)
    n = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:n], dtype="object"), np.array(labels[:n])),
            (np.array(xs[n:], dtype="object"), np.array(labels[n:])))


def get_word_index(path="reuters_word_index.json"):
    """``{word: rank}``; rank + ``index_from`` (3) is the word's integer in ``load_data``."""
    return read_word_index(path, "keras.datasets.reuters.get_word_index()")


def get_label_names():
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
