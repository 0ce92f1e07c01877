"""What IMDB and Reuters share: reviews/newswires stored as lists of word ranks.

Each text is a list of integers, word ``i`` being the i-th most frequent word of the corpus.
``load_data`` turns the stored ranks into model inputs in Keras's order of steps:

1. shuffle (with ``np.random.RandomState(seed)``, the same permutation Keras draws);
2. shift every rank by ``index_from`` and put ``start_char`` in front, which frees the small
   integers: 0 for padding, 1 for "start", 2 for "out of vocabulary";
3. drop sequences of ``maxlen`` words or more;
4. keep the words ranked in ``[skip_top, num_words)``, replacing the others by ``oov_char``
   (or dropping them when ``oov_char`` is None).
"""
import json

import numpy as np

from ..utils.cache_files import cache_path, find_cached

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def cached(path, what):
    """Keras's cache path of ``path`` (``~/.keras/datasets/<path>``), or a clear error."""
    return find_cached(what, [cache_path(path)], ORIGIN_FOLDER + path.rsplit("/", 1)[-1])


def shuffled(rng, *arrays):
    """Step 1: the arrays permuted together by one draw of ``rng``."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [a[indices] for a in arrays]


def shift(xs, start_char, index_from):
    """Step 2: ranks shifted by ``index_from``, ``start_char`` first (when not None)."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    return [[w + index_from for w in x] for x in xs]


def drop_long(maxlen, xs, labels):
    """Step 3: only sequences shorter than ``maxlen`` (as Keras: ``len(x) < maxlen``)."""
    kept = [(x, y) for x, y in zip(xs, labels) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_vocabulary(xs, num_words, skip_top, oov_char):
    """Step 4: words outside ``[skip_top, num_words)`` become ``oov_char`` or are dropped;
    without ``num_words`` the largest index present is the limit (and itself excluded, as in
    Keras)."""
    if not num_words:
        num_words = max(max(x) for x in xs if x)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def read_word_index(path, what):
    """A ``{word: rank}`` dict from Keras's cached JSON file."""
    with open(cached(path, what)) as f:
        return json.load(f)
