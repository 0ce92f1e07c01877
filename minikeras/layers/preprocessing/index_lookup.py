"""``StringLookup`` and ``IntegerLookup``: a vocabulary maps tokens to integer indices.

The index space, as in Keras 3 (``output_mode="int"``)::

    0                      the mask token, if ``mask_token`` is set
    next num_oov_indices   out-of-vocabulary (OOV) buckets
    then                   the vocabulary, in order

A token outside the vocabulary goes to the OOV bucket (with several buckets: the one its
hash picks, FarmHash as in ``Hashing``; IntegerLookup's default ``oov_method="floormod"``
uses ``value % num_oov_indices``). ``adapt(data)`` builds the vocabulary from data: the
tokens sorted by frequency, most frequent first, ties broken by the tokens in reverse
order (Keras's rule), cut to ``max_tokens``. ``invert=True`` maps indices back to tokens.
The other output modes encode the indices per sample (see ``categorical``); there the mask
token has no index and is dropped. "tf_idf" weights counts by
``log(1 + documents / (1 + documents containing the token))``.

Keras 3 needs TensorFlow for these layers; minikeras computes them with numpy dicts.
"""
import collections
import os

import numpy as np

from ... import ops
from ...ops.tensor import is_string, to_numpy
from .categorical import encode_categorical, encoded_shape
from .common import PreprocessingLayer, as_list, batches
from .hashing import fingerprint64, siphash64, _as_bytes, _MASK64

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(PreprocessingLayer):
    """The shared machinery; ``StringLookup`` and ``IntegerLookup`` fix the token type."""

    _token_kind = None  # "string" or "int64"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 oov_method="floormod", salt=None, vocabulary_size=None, **kwargs):
        # the dtype of the output: indices, tokens (invert=True), or float encodings
        kwargs.setdefault("dtype", self._token_kind if invert else ("int64" if output_mode == "int" else None))
        super().__init__(**kwargs)
        name = f"{type(self).__name__} layer {self.name}"
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(f"{name}: unknown output_mode={output_mode!r}; expected one of {_MODES}.")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{name}: if set, `max_tokens` must be greater than 1. Received: "
                             f"max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{name}: if pad_to_max_tokens is True, must set `max_tokens`. Received: "
                             f"max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"{name}: `num_oov_indices` must be greater than or equal to 0. Received: "
                             f"num_oov_indices={num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError(f"{name}: `output_mode` must be 'int' when `invert` is true. Received: "
                             f"output_mode={output_mode}")
        if sparse:
            raise ValueError(f"{name}: sparse=True is not supported in minikeras (it has no sparse tensors).")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{name}: `idf_weights` should only be set if `output_mode` is 'tf_idf'. "
                             f"Received: output_mode={output_mode} and idf_weights={idf_weights}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{name}: unknown oov_method={oov_method!r}; expected 'floormod' or 'farmhash'.")
        if salt is not None and oov_method != "farmhash":
            raise ValueError(f"{name}: `salt` can only be used when `oov_method='farmhash'`. Received: "
                             f"oov_method={oov_method}")
        if isinstance(salt, int):
            salt = [salt, salt]
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.pad_to_max_tokens = bool(invert), output_mode, bool(pad_to_max_tokens)
        self.sparse, self.oov_method, self.salt = False, oov_method, salt
        self._frozen_vocab_size = vocabulary_size
        self._tokens = []          # the learned or given vocabulary, without special tokens
        self._index = {}           # token -> index
        self.idf_weights = None    # (vocabulary_size,) in tf_idf mode
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = vocabulary is not None
        if output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{name}: when specifying the `vocabulary` argument in TF-IDF output mode, the "
                             "`idf_weights` argument must also be provided.")
        if vocabulary is None and vocabulary_size is not None:
            raise ValueError(
                f"{name}: its config records a vocabulary of {vocabulary_size} entries but does not contain it. "
                "Keras keeps an adapted vocabulary as a file asset inside the .keras archive, which minikeras "
                "does not read; re-adapt the layer, or pass vocabulary=... (layer.get_vocabulary() in Keras).")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    def _expected_kind(self):
        # tokens are text for StringLookup, numbers for IntegerLookup; indices when inverting
        return "number" if self.invert or self._token_kind == "int64" else "text"

    # -------------------------------------------------------------------- index layout
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices, special tokens included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The token at each index (mask and OOV tokens first), or only the learned tokens."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    # -------------------------------------------------------------------- vocabulary
    def _standardize_token(self, token):
        return token

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use ``vocabulary`` (a list/array of tokens, or a text file with one per line)."""
        name = f"{type(self).__name__} layer {self.name}"
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{name}: `idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{name}: `idf_weights` should only be set if output_mode is 'tf_idf'.")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"{name}: vocabulary file {vocabulary} does not exist.")
            with open(vocabulary, encoding="utf-8") as f:
                lines = f.read().splitlines()
            while lines and lines[-1] == "":
                lines.pop()
            vocabulary = lines if self._token_kind == "string" else [int(line) for line in lines]
        vocabulary = [self._standardize_token(t) for t in to_numpy(vocabulary).ravel().tolist()] \
            if not isinstance(vocabulary, list) else [self._standardize_token(t) for t in vocabulary]
        if not vocabulary:
            raise ValueError(f"{name}: cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        tokens = vocabulary[len(special):] if vocabulary[:len(special)] == special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{name}: the passed vocabulary has at least one repeated term. Please uniquify "
                             f"your dataset. The repeated terms are: {repeated}")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{name}: found reserved mask token {self.mask_token!r} in the vocabulary at index "
                             f"{tokens.index(self.mask_token)}. It is only allowed at index 0 of a vocabulary "
                             "that starts with the special tokens.")
        if self.num_oov_indices and self.oov_token in tokens:
            raise ValueError(f"{name}: found reserved OOV token {self.oov_token!r} in the vocabulary. It is only "
                             "allowed among the special tokens at the start of the vocabulary.")
        if self.max_tokens is not None and len(tokens) + self._token_start_index() > self.max_tokens:
            raise ValueError(f"{name}: attempted to set a vocabulary larger than the maximum vocab size. Received "
                             f"vocabulary size is {len(tokens) + self._token_start_index()}; `max_tokens` is "
                             f"{self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(to_numpy(idf_weights), dtype="float32").ravel()
            if weights.size not in (len(tokens), self.vocabulary_size()):
                raise ValueError(f"{name}: `idf_weights` must have one weight per vocabulary token "
                                 f"({len(tokens)}), received {weights.size}.")
            if weights.size == len(tokens):  # OOV indices get the mean weight, as in Keras
                weights = np.concatenate([np.full(self._token_start_index(), weights.mean(), "float32"), weights])
            self.idf_weights = weights

    def _set_tokens(self, tokens):
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        self._frozen_vocab_size = self.vocabulary_size()

    def adapt(self, data, steps=None):
        """Learn the vocabulary from ``data`` (tokens in an array, or an iterable of batches)."""
        name = f"{type(self).__name__} layer {self.name}"
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via the "
                             "`vocabulary` argument or `set_vocabulary()` method.")
        counts, documents, n_documents = collections.Counter(), collections.Counter(), 0
        for i, part in enumerate(batches(data)):
            if steps is not None and i >= steps:
                break
            part = self._check_tokens(np.asarray(part))
            rows = part.reshape(1, -1) if part.ndim <= 1 else part.reshape(part.shape[0], -1)
            values = [self._standardize_token(t) for t in rows.ravel().tolist()]
            counts.update(values)
            if self.output_mode == "tf_idf":
                width = rows.shape[1]
                for r in range(rows.shape[0]):
                    documents.update(set(values[r * width:(r + 1) * width]))
                n_documents += rows.shape[0]
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        if not counts:
            raise ValueError(f"{name}: adapt() found no tokens in the data.")
        # most frequent first; equal counts: tokens in reverse sort order (Keras's lexsort)[::-1]
        ordered = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            ordered = ordered[:self.max_tokens - self._token_start_index()]
        self._set_tokens(ordered)
        if self.output_mode == "tf_idf":
            weights = np.log(1 + n_documents / (1 + np.array([documents[t] for t in ordered], "float64")))
            weights = weights.astype("float32")
            self.idf_weights = np.concatenate([np.full(self._token_start_index(), weights.mean(), "float32"),
                                               weights])

    # -------------------------------------------------------------------- lookup
    def _check_tokens(self, values):
        """Strings for StringLookup, integers for IntegerLookup (indices when inverting)."""
        name = f"{type(self).__name__} layer {self.name}"
        if self.invert:
            if values.dtype.kind not in "iu":
                raise TypeError(f"{name} (invert=True) maps integer indices to tokens, received values of "
                                f"dtype {values.dtype}.")
            return values
        if self._token_kind == "string" and values.size and not is_string(values):
            raise TypeError(f"{name} looks up strings, but received values of dtype {values.dtype}. Use "
                            "IntegerLookup for integer tokens.")
        if self._token_kind == "int64":
            if is_string(values):
                raise TypeError(f"{name} looks up integers, but received strings. Use StringLookup for text.")
            if values.dtype.kind == "f" and np.any(values != np.round(values)):
                raise TypeError(f"{name} looks up integers, but received floats that are not whole numbers.")
        return values

    def _oov_index(self, token):
        if self.num_oov_indices == 1:
            return self._oov_start_index()
        if self._token_kind == "int64" and self.oov_method != "farmhash":
            bucket = int(token) % self.num_oov_indices
        else:
            data = _as_bytes(token)
            digest = siphash64(tuple(s & _MASK64 for s in self.salt), data) if self.salt is not None \
                else fingerprint64(data)
            bucket = digest % self.num_oov_indices
        return self._oov_start_index() + bucket

    def _lookup(self, values):
        flat = [self._standardize_token(t) for t in values.ravel().tolist()]
        masked = np.array([self.mask_token is not None and t == self.mask_token for t in flat], bool)
        ids = np.empty(len(flat), dtype="int64")
        missing = []
        for i, token in enumerate(flat):
            if masked[i]:
                ids[i] = 0
                continue
            index = self._index.get(token)
            if index is None:
                if self.num_oov_indices == 0:
                    missing.append(token)
                    continue
                index = self._oov_index(token)
            ids[i] = index
        if missing:
            raise ValueError(f"{type(self).__name__} layer {self.name}: when `num_oov_indices=0` all inputs "
                             f"should be in vocabulary, found OOV values {missing[:10]}, consider setting "
                             "`num_oov_indices=1`.")
        return ids.reshape(values.shape), masked.reshape(values.shape)

    def _invert(self, values):
        vocab = self.get_vocabulary()
        flat = [vocab[i] if 0 <= i < len(vocab) else self.oov_token for i in values.ravel().tolist()]
        dtype = object if self._token_kind == "string" else "int64"
        return np.array(flat, dtype=dtype).reshape(values.shape)

    def call(self, inputs):
        values = self._check_tokens(np.asarray(to_numpy(inputs)))
        if self.invert:
            return ops.convert_to_tensor(self._invert(values))
        ids, masked = self._lookup(values)
        if self.output_mode == "int":
            return ops.convert_to_tensor(ids)
        if self._frozen_vocab_size is None and not self.pad_to_max_tokens:
            raise RuntimeError(f"{type(self).__name__} layer {self.name}: when using output_mode="
                               f"{self.output_mode!r} and pad_to_max_tokens=False, you must set the layer's "
                               "vocabulary before calling it. Either pass a `vocabulary` argument to the layer, "
                               "or call `adapt` with some sample data.")
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        # masked tokens get an extra index past the end, then that column is dropped
        ids = np.where(masked, depth, ids)
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = to_numpy(encode_categorical(self, ids, mode, depth + 1, self.dtype))[..., :depth]
        if self.output_mode == "tf_idf":
            weights = np.zeros(depth, "float32")
            weights[:len(self.idf_weights)] = self.idf_weights[:depth]
            encoded = encoded * weights
        return ops.convert_to_tensor(encoded.astype(self.dtype))

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return encoded_shape(input_shape, "count" if self.output_mode == "tf_idf" else self.output_mode, depth)

    def get_config(self):
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self._token_kind,
                "idf_weights": self._config_idf_weights(), "vocabulary": self._config_vocabulary(),
                "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt}


    # An adapted vocabulary goes into the config (Keras writes it as a file asset, which
    # minikeras's files do not carry), so a saved model rebuilds it.
    def _config_vocabulary(self):
        if self.input_vocabulary is not None:
            return _listify(self.input_vocabulary)
        return list(self._tokens) if self._tokens else None

    def _config_idf_weights(self):
        if self.input_idf_weights is not None:
            return as_list(self.input_idf_weights)
        if self._tokens and self.idf_weights is not None:
            return self.idf_weights[self._token_start_index():].tolist()
        return None


def _listify(vocabulary):
    if vocabulary is None:
        return None
    return [v.item() if isinstance(v, np.generic) else v for v in np.asarray(vocabulary, dtype=object).ravel()]


class StringLookup(IndexLookup):
    """Strings to indices (or, ``invert=True``, indices to strings). ``oov_token`` defaults to
    "[UNK]"; ``mask_token`` (often "") reserves index 0 for padding.

    ``StringLookup(vocabulary=["a", "b", "c"])([["a", "c", "x"]])`` gives ``[[1, 3, 0]]``
    (index 0 is the OOV bucket)."""

    _token_kind = "string"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", salt=None, vocabulary_dtype="string", **kwargs):
        self.encoding = encoding
        kwargs.setdefault("oov_method", "farmhash" if salt is not None else "floormod")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, salt=salt,
                         **kwargs)

    def _standardize_token(self, token):
        return token.decode(self.encoding) if isinstance(token, bytes) else token

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Integer tokens (e.g. raw category ids like 12, 36, 1138) to contiguous indices.
    ``oov_token`` defaults to -1; ``mask_token`` (often 0) reserves index 0."""

    _token_kind = "int64"

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse,
                         oov_method=oov_method, salt=salt, **kwargs)

    def _standardize_token(self, token):
        return int(token)
