"""IMDB movie reviews: 25,000 + 25,000 reviews labelled positive (1) or negative (0).

Reviews are lists of word ranks (see ``_word_sequences.py`` for the encoding and the
arguments); ``load_data()`` reads Keras's ``~/.keras/datasets/imdb.npz`` and
``get_word_index()`` its ``imdb_word_index.json``. minikeras never downloads them.
"""
import numpy as np

from ._npz_files import load_npz
from ._word_sequences import cached, drop_long, limit_vocabulary, read_word_index, shift, shuffled


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Return ``(x_train, y_train), (x_test, y_test)``: object arrays of int lists and the labels.

    ``num_words`` keeps the most frequent words only, ``skip_top`` drops the most frequent ones,
    ``maxlen`` drops longer reviews; the others are as Keras documents them.
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unrecognized keyword arguments: {sorted(kwargs)}.")
    f = load_npz(cached(path, "keras.datasets.imdb.load_data()"),
                 required=("x_train", "y_train", "x_test", "y_test"))
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffled(rng, f["x_train"], f["y_train"])
    x_test, labels_test = shuffled(rng, f["x_test"], f["y_test"])
    x_train = shift(x_train, start_char, index_from)
    x_test = shift(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = drop_long(maxlen, x_train, labels_train)
        x_test, labels_test = drop_long(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"imdb.load_data: after filtering for sequences shorter than "
                             f"maxlen={maxlen}, no sequence was kept. Increase maxlen.")
    xs = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n = len(x_train)
    return ((np.array(xs[:n], dtype="object"), labels[:n]),
            (np.array(xs[n:], dtype="object"), labels[n:]))


def get_word_index(path="imdb_word_index.json"):
    """``{word: rank}``; rank + ``index_from`` (3) is the word's integer in ``load_data``."""
    return read_word_index(path, "keras.datasets.imdb.get_word_index()")
