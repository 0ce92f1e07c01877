"""``TextVectorization``: raw text in, token ids (or bag-of-words vectors) out.

Each string goes through four steps, as in Keras 3:

1. standardize: "lower_and_strip_punctuation" (the default) lowercases ASCII letters (as
   TensorFlow's ``tf.strings.lower`` does) and deletes ASCII punctuation; "lower",
   "strip_punctuation", None, or your own function (numpy array of str in and out);
2. split: "whitespace" (the default), "character", None (the whole string is one token), or
   your own function (one str in, a list of tokens out);
3. ngrams: ``ngrams=2`` adds the word pairs ("the cat", "cat sat") after the words;
4. look up: a ``StringLookup`` with ``mask_token=""`` maps tokens to ids: 0 is padding,
   1 is "[UNK]" (out of vocabulary), then the vocabulary.

In "int" mode each string becomes a row of ids, padded with 0 to the longest row (or cut
and padded to ``output_sequence_length``); other modes give one vector per string.
"""
import re

import numpy as np

from ... import ops
from ...ops.tensor import is_string, to_numpy
from .common import PreprocessingLayer, batches
from .index_lookup import StringLookup

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class TextVectorization(PreprocessingLayer):
    """Turn strings into sequences of token ids (``output_mode="int"``) or into multi-hot,
    count or TF-IDF vectors. ``adapt(texts)`` learns the vocabulary (most frequent first,
    at most ``max_tokens`` entries including the padding and OOV tokens)."""

    _input_kind = "text"

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace",
                 ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
                 vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding="utf-8",
                 vocabulary_size=None, **kwargs):
        kwargs.setdefault("dtype", "int64" if output_mode == "int" else None)
        super().__init__(**kwargs)
        name = f"TextVectorization layer {self.name}"
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if not (standardize is None or callable(standardize) or standardize in (
                "lower_and_strip_punctuation", "lower", "strip_punctuation")):
            raise ValueError(f"{name}: unknown standardize={standardize!r}; expected "
                             "'lower_and_strip_punctuation', 'lower', 'strip_punctuation', None or a function.")
        if not (split is None or callable(split) or split in ("whitespace", "character")):
            raise ValueError(f"{name}: unknown split={split!r}; expected 'whitespace', 'character', None or a "
                             "function.")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool)) or (
                isinstance(ngrams, (tuple, list)) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"{name}: `ngrams` must be None, an integer, or a tuple of integers. Received: "
                             f"ngrams={ngrams}")
        if output_sequence_length is not None and not isinstance(output_sequence_length, int):
            raise ValueError(f"{name}: `output_sequence_length` must be either None or an integer. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{name}: `output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        if sparse:
            raise ValueError(f"{name}: sparse=True is not supported in minikeras (it has no sparse tensors; Keras "
                             "allows it only on the TensorFlow backend); the output is dense.")
        if ragged:
            raise ValueError(f"{name}: ragged=True is not supported in minikeras (it has no ragged tensors); "
                             "rows are padded with 0 instead.")
        self._standardize, self._split, self._ngrams_arg = standardize, split, ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else (
            tuple(ngrams) if ngrams is not None else None)
        self._output_mode, self._output_sequence_length = output_mode, output_sequence_length
        self._encoding, self._ragged = encoding, False
        if vocabulary is None and vocabulary_size is not None:
            raise ValueError(
                f"{name}: its config records a vocabulary of {vocabulary_size} entries but does not contain it. "
                "Keras keeps an adapted vocabulary as a file asset inside the .keras archive, which minikeras "
                "does not read; re-adapt the layer, or pass vocabulary=... (layer.get_vocabulary() in Keras).")
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="",
                                          output_mode=output_mode, encoding=encoding,
                                          vocabulary_size=vocabulary_size, name=f"{self.name}_lookup")

    # -------------------------------------------------------------------- text to tokens
    def _standardize_strings(self, strings):
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            strings = np.array([s.translate(_ASCII_LOWER) for s in strings.ravel()], dtype=object) \
                .reshape(strings.shape)
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            strings = np.array([_PUNCTUATION.sub("", s) for s in strings.ravel()], dtype=object) \
                .reshape(strings.shape)
        if callable(self._standardize):
            strings = np.asarray(self._standardize(strings), dtype=object)
        return strings

    def _tokens(self, strings):
        """Rows of tokens (lists), one per string; without split, the standardized strings."""
        if self._split == "whitespace":
            rows = [[t for t in _WHITESPACE.split(s) if t] for s in strings]
        elif self._split == "character":
            rows = [list(s) for s in strings]
        else:
            rows = [list(self._split(s)) for s in strings]
        if self._ngrams is not None:
            rows = [[" ".join(row[i:i + n]) for n in self._ngrams for i in range(len(row) - n + 1)]
                    for row in rows]
        return rows

    def _preprocess(self, inputs):
        """Strings to an array of tokens: (batch, longest row) padded with "" when splitting."""
        values = np.asarray(to_numpy(inputs))
        if not is_string(values):
            raise TypeError(f"TextVectorization layer {self.name} expects strings, but received values of dtype "
                            f"{values.dtype}. Pass text, e.g. np.array(['the cat sat']), or "
                            "keras.Input(shape=(1,), dtype='string').")
        decoded = [v.decode(self._encoding) if isinstance(v, bytes) else str(v) for v in values.ravel()]
        strings = self._standardize_strings(np.array(decoded, dtype=object).reshape(values.shape))
        if self._split is None:
            if self._ngrams is not None:
                raise ValueError(f"TextVectorization layer {self.name}: ngrams need split to be set.")
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(f"TextVectorization layer {self.name}: when splitting strings, the input rank "
                                 f"must be 1 or the last dimension must be 1. Received: inputs.shape="
                                 f"{strings.shape}")
            strings = strings[..., 0]
        rows = self._tokens(strings.ravel().tolist())
        width = max([len(r) for r in rows] + [0])
        if self._output_mode == "int" and self._output_sequence_length is not None:
            width = self._output_sequence_length
            rows = [r[:width] for r in rows]
        padded = np.full((len(rows), width), "", dtype=object)
        for i, row in enumerate(rows):
            padded[i, :len(row)] = row
        return padded.reshape(strings.shape + (width,))

    # -------------------------------------------------------------------- vocabulary
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from texts (an array or list of strings, or batches of them)."""
        parts = batches(data)
        if steps is not None:
            parts = parts[:steps]
        self._lookup_layer.adapt([self._preprocess(np.asarray(p, dtype=object)) for p in parts])

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    # -------------------------------------------------------------------- calling
    def call(self, inputs):
        tokens = self._preprocess(inputs)
        return ops.convert_to_tensor(to_numpy(self._lookup_layer.call(tokens)))

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            shape = tuple(input_shape) + ((1,) if len(input_shape) <= 1 else ())
        else:
            shape = tuple(input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(shape)

    def get_config(self):
        lookup = self._lookup_layer
        # An adapted vocabulary is written into the config (Keras writes it as a file asset,
        # which minikeras's files do not carry): the saved model then rebuilds it.
        vocabulary = lookup.get_vocabulary(include_special_tokens=False) if lookup._tokens else None
        idf = lookup.idf_weights[lookup._token_start_index():].tolist() \
            if vocabulary is not None and lookup.idf_weights is not None else None
        return {**super().get_config(), "max_tokens": lookup.max_tokens, "standardize": self._standardize,
                "split": self._split, "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False, "ragged": False,
                "vocabulary": vocabulary, "idf_weights": idf, "encoding": self._encoding,
                "vocabulary_size": self.vocabulary_size()}
