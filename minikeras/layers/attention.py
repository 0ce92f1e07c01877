"""Attention layers: ``Attention`` (dot-product, Luong), ``AdditiveAttention`` (Bahdanau) and
``MultiHeadAttention`` (the transformer's), with Keras 3's arguments, weights and masks.

Attention in one sentence: every query position takes a weighted average of the value
vectors, with weights ``softmax(score(query, key))`` over the key positions. The layers
differ only in the score function and in the projections around it:

1. ``Attention``: ``score = query . key`` (optionally times a learned scalar);
2. ``AdditiveAttention``: ``score = sum(scale * tanh(query + key))``;
3. ``MultiHeadAttention``: queries, keys and values are first projected into ``num_heads``
   smaller spaces, attention runs in each head (``score = query . key / sqrt(key_dim)``),
   and the heads' results are projected back to the query's feature size.

Masks say which positions exist. A value/key mask removes key positions from the softmax
(their score is pushed to -1e9, as Keras does); a query mask marks padded query positions
(``Attention`` zeroes their output, ``MultiHeadAttention`` zeroes their attention weights);
a causal mask lets position ``i`` see only positions ``<= i``. Masks carry no gradient, so
they are combined as numpy booleans; everything that does carry one uses ``minikeras.ops``.
"""
import math

import numpy as np

from .. import initializers, ops, regularizers
from ..engine.layer import Layer
from ..engine.tensor import KerasTensor
from ..ops.tensor import to_numpy

_LARGE_NEGATIVE = 1e9  # Keras's score for a masked position (float32)


# ----------------------------------------------------------------------------- helpers
def _is_symbolic(*tensors):
    return any(isinstance(t, KerasTensor) for t in tensors)


def _mask_array(mask):
    """A mask (Tensor, array or None) as a numpy bool array: masks carry no gradient. A
    symbolic mask (the graph being built) gives None: masks change values, never shapes."""
    if mask is None or _is_symbolic(mask):
        return None
    return to_numpy(mask).astype(bool)


def _and(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return np.logical_and(a, b)


def _causal_mask(q_len, k_len):
    """(1, q_len, k_len): True where key position j <= query position i (Keras's rule)."""
    return np.tril(np.ones((q_len, k_len), dtype=bool))[None]


def _dropout(x, rate, rng):
    """Inverted dropout with ``rng`` (a numpy Generator): zero a fraction ``rate``, rescale the rest."""
    keep = rng.random(x.shape) >= rate
    return ops.multiply(x, (keep / (1.0 - rate)).astype(x.dtype))


def _split_last(x, sizes):
    """Reshape the last axis of ``x`` into ``sizes`` (a differentiable reshape that works on
    symbolic tensors whose other axes are unknown, where ``ops.reshape`` would need two -1s)."""
    sizes = tuple(int(s) for s in sizes)

    def forward(x):
        return x.reshape(x.shape[:-1] + sizes), lambda g: (g.reshape(x.shape),)
    return ops.apply(forward, x, shape_rule=lambda s: tuple(s[:-1]) + sizes)


def _merge_last(x, n):
    """Reshape the last ``n`` axes of ``x`` into one (the inverse of ``_split_last``)."""
    def forward(x):
        return x.reshape(x.shape[:-n] + (-1,)), lambda g: (g.reshape(x.shape),)

    def rule(s):
        tail = s[-n:]
        return tuple(s[:-n]) + ((None if None in tail else int(np.prod(tail))),)
    return ops.apply(forward, x, shape_rule=rule)


def _softmax_last(x, n):
    """Softmax over the last ``n`` axes jointly (Keras's softmax over several attention axes)."""
    if n == 1:
        return ops.softmax(x, axis=-1)
    axes = tuple(range(-n, 0))
    shifted = ops.subtract(x, ops.stop_gradient(ops.max(x, axis=axes, keepdims=True)))
    e = ops.exp(shifted)
    return ops.divide(e, ops.sum(e, axis=axes, keepdims=True))


def _refuse_unsupported(layer_name, **options):
    for arg, value in options.items():
        if value is not None:
            raise ValueError(f"Layer {layer_name}: `{arg}` is not supported by minikeras's attention "
                             f"layers yet (received {value!r}); leave it None.")


class _DropoutGenerator:
    """Random numbers for dropout: the layer's own generator when it has a seed, else the
    global one (read at each use, so ``keras.utils.set_random_seed`` later still applies)."""

    def __init__(self, seed):
        self._own = np.random.default_rng(seed) if seed is not None else None

    def random(self, shape):
        return (self._own if self._own is not None else initializers.rng()).random(shape)


# ----------------------------------------------------------------------------- Attention
class Attention(Layer):
    """Dot-product attention: ``Attention()([query, value])`` or ``([query, value, key])``.

    Shapes: query (batch, Tq, dim), value (batch, Tv, dim), key (batch, Tv, dim) (defaults to
    value). The output is (batch, Tq, dim). ``score_mode="dot"`` scores ``query . key``,
    ``"concat"`` scores ``sum(tanh(query + key))``; ``use_scale=True`` adds a learned scalar
    ``scale`` (and ``concat_score_weight`` in concat mode), exactly Keras 3's weights.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Layer {self.name}: invalid value for argument score_mode. Expected one of "
                             f"{{'dot', 'concat'}}. Received: score_mode={score_mode!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"Layer {self.name}: `dropout` must be in [0, 1), received {dropout!r}.")
        self.use_scale, self.score_mode = bool(use_scale), score_mode
        self.dropout, self.seed = float(dropout), seed
        self._rng = _DropoutGenerator(seed)
        self.scale = None
        self.concat_score_weight = None
        self.supports_masking = True

    # 1. inputs are a list [query, value] or [query, value, key]
    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{name} layer {self.name} must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: inputs={inputs}.")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} layer {self.name} accepts inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]. Received length: {len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(f"{name} layer {self.name} mask must be a list, namely "
                                 f"[query_mask, value_mask]. Received: mask={mask}.")
            if not 2 <= len(mask) <= 3:
                raise ValueError(f"{name} layer {self.name} accepts mask list of length 2 or 3. "
                                 f"Received: mask of length {len(mask)}.")

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight("scale", (), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight("concat_score_weight", (), initializer="ones")
        self.built = True

    # 2. scores (batch, Tq, Tv)
    def _calculate_scores(self, query, key):
        # The scalar weights enter as shape (1,): broadcasting a 0-d weight would sum its
        # gradient down to a numpy scalar, which the optimizer kernels cannot update.
        scale = ops.reshape(self.scale, (1,)) if self.scale is not None else None
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.transpose(key, (0, 2, 1)))
            return ops.multiply(scores, scale) if scale is not None else scores
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if scale is not None:
            pairs = ops.multiply(pairs, scale)
        weight = ops.reshape(self.concat_score_weight, (1,))
        return ops.multiply(weight, ops.sum(ops.tanh(pairs), axis=-1))

    # 3. masked softmax over the key axis, then the weighted sum of values
    def _apply_scores(self, scores, value, scores_mask=None, training=None):
        if scores_mask is not None:
            scores = ops.where(scores_mask, scores, ops.subtract(scores, _LARGE_NEGATIVE))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = _dropout(weights, self.dropout, self._rng)
        return ops.matmul(weights, value), weights

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = _mask_array(mask[0]) if mask else None
        v_mask = _mask_array(mask[1]) if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = None
        if not _is_symbolic(scores):  # masks change values, never shapes
            if v_mask is not None:
                scores_mask = v_mask[:, None, :]
            if use_causal_mask:
                scores_mask = _and(scores_mask, _causal_mask(scores.shape[-2], scores.shape[-1]))
        output, weights = self._apply_scores(scores, value, scores_mask, training)
        if q_mask is not None and not _is_symbolic(output):
            output = ops.where(q_mask[..., None], output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)) or mask[0] is None:
            return None
        return mask[0]

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: ``score = sum(scale * tanh(query + key))`` over features,
    with a learned ``scale`` vector of the feature size when ``use_scale`` (the default)."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        if self.use_scale:
            self.scale = self.add_weight("scale", (dim,), initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.sum(pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config


# ----------------------------------------------------------------------------- MultiHeadAttention
class _HeadProjection(Layer):
    """Keras's ``EinsumDense`` as used inside MultiHeadAttention: a dense map of the last
    ``in_axes`` axes to ``out_shape``, with a kernel of shape ``in_dims + out_shape``.

    The query/key/value projections map (..., dim) to (..., heads, size) with a kernel
    (dim, heads, size); the output projection maps (..., heads, size) to (..., out) with a
    kernel (heads, size, out). Both are one matmul on flattened axes."""

    def __init__(self, in_axes, out_shape, use_bias, kernel_initializer, bias_initializer,
                 kernel_regularizer, bias_regularizer, activation=None, **kwargs):
        super().__init__(**kwargs)
        # The attention layer reads the masks of query, value and key itself; its projections
        # only carry them along (no warning about a dropped mask from inside the layer).
        self.supports_masking = True
        self.in_axes, self.out_shape, self.use_bias = in_axes, tuple(out_shape), use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.activation = activation

    def build(self, input_shape):
        in_dims = tuple(input_shape[-self.in_axes:])
        if None in in_dims:
            raise ValueError(f"Layer {self.name}: the last {self.in_axes} axes of its input must be known, "
                             f"received input shape {tuple(input_shape)}.")
        self.kernel = self.add_weight("kernel", in_dims + self.out_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.bias = self.add_weight("bias", self.out_shape, initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        in_size = int(np.prod(self.kernel.shape[:self.in_axes]))
        out_size = int(np.prod(self.out_shape))
        x = _merge_last(inputs, self.in_axes) if self.in_axes > 1 else inputs
        y = ops.matmul(x, ops.reshape(self.kernel, (in_size, out_size)))
        if self.bias is not None:
            y = ops.add(y, ops.reshape(self.bias, (out_size,)))
        if len(self.out_shape) > 1:
            y = _split_last(y, self.out_shape)
        return ops.sigmoid(y) if self.activation == "sigmoid" else y


class MultiHeadAttention(Layer):
    """Multi-head attention, as in "Attention Is All You Need" and Keras 3.

    ``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    use_causal_mask=False)``. Shapes: query (batch, T, dim_q), value (batch, S, dim_v), key
    (batch, S, dim_k); output (batch, T, dim_q) (or ``output_shape``). Weights, in Keras's
    order and with Keras's names: ``query/kernel`` (dim_q, heads, key_dim), ``query/bias``
    (heads, key_dim), ``key/...``, ``value/...`` (value_dim), ``attention_output/kernel``
    (heads, value_dim, dim_q), ``attention_output/bias``.

    A call is recorded as written (``mha(q, v)``, ``mha(query=q, value=v, key=k,
    attention_mask=m)``), so its config is Keras's and files cross both ways. The masks
    that query, value and key carry reach ``call`` as ``query_mask``, ``value_mask`` and
    ``key_mask``, as in Keras 3.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, sliding_window=None,
                 flash_attention=None, seed=None, **kwargs):
        for arg, value, allow_none in (("num_heads", num_heads, False), ("key_dim", key_dim, False),
                                       ("value_dim", value_dim, True)):
            if value is None and allow_none:
                continue
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Received an invalid value for argument `{arg}` of MultiHeadAttention, "
                                 f"expected a positive integer. Received: {arg}={value!r}")
        super().__init__(**kwargs)
        _refuse_unsupported(self.name, kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        # As in Keras: not a penalty on the attention output, but on each projection's output
        self._activity_regularizer = regularizers.get(activity_regularizer)
        if flash_attention:
            raise ValueError(f"Layer {self.name}: flash_attention=True is not available in minikeras "
                             "(it has no fused attention kernel); leave it None or False.")
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(f"Layer {self.name}: `sliding_window` must be None or a positive integer. "
                             f"Received: sliding_window={sliding_window!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"Layer {self.name}: `dropout` must be in [0, 1), received {dropout!r}.")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout, self.use_bias, self.use_gate = float(dropout), bool(use_bias), bool(use_gate)
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"Layer {self.name}: `attention_axes` must be an int, list, or tuple. "
                             f"Received: attention_axes={attention_axes!r}")
        self.attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.sliding_window, self.seed = sliding_window, seed
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._rng = _DropoutGenerator(seed)
        self.supports_masking = True

    keras2_tensor_arguments = ("value", "key")   # a Keras 2 (.h5) config lists [query, value, key]

    # -------------------------------------------------------------------- calling
    def __call__(self, *args, **kwargs):
        """Calls as Keras takes them (positionally or by name, recorded as given), plus two
        older forms read back from files: a dict of the tensors (minikeras configs written
        before calls kept their arguments) and a list ``[query, value(, key)]`` (Keras 2
        style ``.h5`` configs, which keep no names). An unbuilt layer is built here, from
        the shapes of query, value and key: the engine builds from the first argument only."""
        if args and isinstance(args[0], (dict, list, tuple)):
            older = dict(args[0]) if isinstance(args[0], dict) else self._from_tensor_list(args[0])
            args = (older.pop("query", None), older.pop("value", None)) + tuple(args[1:])
            kwargs = {**older, **kwargs}
        names = ("query", "value", "key")
        given = dict(zip(names, args))
        given.update({name: kwargs[name] for name in names if name in kwargs})
        if given.get("query") is None or given.get("value") is None:
            raise ValueError(f"Layer {self.name} (MultiHeadAttention) needs a `query` and a `value` tensor: "
                             "call it as layer(query, value) (self-attention: layer(x, x)).")
        if not self.built:
            key = given.get("key")
            self.build(np.shape(given["query"]), np.shape(given["value"]), None if key is None else np.shape(key))
        return super().__call__(*args, **kwargs)

    def _from_tensor_list(self, tensors):
        if not 2 <= len(tensors) <= 3:
            raise ValueError(
                f"Layer {self.name} (MultiHeadAttention) was replayed from a Keras 2 style (.h5) config "
                f"with {len(tensors)} input tensors; that format keeps no argument names, so only "
                "[query, value] or [query, value, key] can be read back. Save the model as .keras "
                "to keep mask tensors.")
        return dict(zip(("query", "value", "key"), tensors))

    # -------------------------------------------------------------------- weights
    def build(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, dict):
            shapes = query_shape
            query_shape, value_shape, key_shape = shapes["query"], shapes["value"], shapes.get("key")
        if value_shape is None:
            raise ValueError(f"Layer {self.name}: build(query_shape, value_shape, key_shape=None) needs "
                             "the value's shape too.")
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        # Keras 3's build config: the shapes build() was given, by argument name
        self._build_shapes_dict = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape is not None:
            self._build_shapes_dict["key_shape"] = tuple(key_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(f"Layer {self.name}: all dimensions of `value` and `key`, except the last one, "
                             f"must be equal. Received: value_shape={value_shape} and key_shape={key_shape}")
        if len(query_shape) != len(value_shape):
            raise ValueError(f"Layer {self.name}: query and value must have the same rank, received "
                             f"query shape {query_shape} and value shape {value_shape}.")
        if len(query_shape) < 3:
            raise ValueError(f"Layer {self.name}: query and value need a batch, at least one attention and "
                             f"a feature axis (rank >= 3), received query shape {query_shape}.")
        rank = len(query_shape) + 1  # the projected rank: (batch, ..., heads, size)
        axes = tuple(range(1, rank - 2)) if self.attention_axes is None else tuple(
            a if a >= 0 else (rank - 1) + a for a in self.attention_axes)
        if not all(1 <= a < rank - 2 for a in axes):
            raise ValueError(f"Layer {self.name}: attention_axes={self.attention_axes} must name axes "
                             f"between the batch and the feature axis of inputs of shape {query_shape}.")
        self.attention_axes = axes

        def projection(name, out_shape, in_axes=1, activation=None):
            return _HeadProjection(in_axes, out_shape, self.use_bias, self.kernel_initializer,
                                   self.bias_initializer, self.kernel_regularizer, self.bias_regularizer,
                                   activation=activation, name=name, dtype=self.dtype,
                                   activity_regularizer=self._activity_regularizer)

        self.query_dense = projection("query", (self.num_heads, self.key_dim))
        self.query_dense.build(query_shape)
        self.key_dense = projection("key", (self.num_heads, self.key_dim))
        self.key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = projection("gate", (self.num_heads, self.value_dim), activation="sigmoid")
            self._gate_dense.build(query_shape)
        self.value_dense = projection("value", (self.num_heads, self.value_dim))
        self.value_dense.build(value_shape)
        out_shape = self._output_shape or (query_shape[-1],)
        self.output_dense = projection("attention_output", out_shape, in_axes=2)
        self.output_dense.build(query_shape[:-1] + (self.num_heads, self.value_dim))
        for weight in self.weights:  # Keras's paths: mha/query/kernel
            weight.path = f"{self.name}/{weight.path}"
        self.built = True

    def get_build_config(self):
        """``{"shapes_dict": {"query_shape", "value_shape"(, "key_shape")}}``, as Keras 3 writes it."""
        shapes = getattr(self, "_build_shapes_dict", None)
        if shapes is None:
            return None
        return {"shapes_dict": {name: list(shape) for name, shape in shapes.items()}}

    def build_from_config(self, config):
        if "shapes_dict" in config:
            self.build(**config["shapes_dict"])
        elif config.get("input_shape") is not None:
            self.build(config["input_shape"])

    # -------------------------------------------------------------------- the computation
    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        t = {"query_mask": query_mask, "value_mask": value_mask, "key_mask": key_mask,
             "attention_mask": attention_mask}
        key = value if key is None else key
        # 1. the boolean attention mask (batch, T..., S...), from every mask given
        attention_mask = None
        if not _is_symbolic(query, value, key):
            attention_mask = self._compute_attention_mask(
                query, value, _mask_array(t.get("query_mask")), _mask_array(t.get("value_mask")),
                _mask_array(t.get("key_mask")), _mask_array(t.get("attention_mask")), use_causal_mask)
        # 2. project into heads: (batch, ..., heads, size)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        # 3. scaled dot-product attention in every head
        output, scores = self._compute_attention(q, k, v, attention_mask, training)
        # 4. back to the query's feature size
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self.output_dense(output)
        return (output, scores) if return_attention_scores else output

    def _compute_attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                                use_causal_mask):
        """Keras's rule: query mask (B, T, 1) & value mask (B, 1, S) & key mask (B, 1, S) & causal
        (1, T, S) & sliding window (1, T, S) & the given attention_mask, as numpy booleans."""
        auto = None
        if query_mask is not None:
            auto = query_mask[..., None]
        if value_mask is not None:
            auto = _and(auto, value_mask[..., None, :])
        if key_mask is not None:
            auto = _and(auto, key_mask[..., None, :])
        q_len, v_len = query.shape[1], value.shape[1]
        if use_causal_mask:
            auto = _and(auto, _causal_mask(q_len, v_len))
        if self.sliding_window is not None:
            rows, cols = np.arange(q_len)[:, None], np.arange(v_len)[None, :]
            auto = _and(auto, (np.abs(rows - cols) < self.sliding_window)[None])
        return _and(attention_mask, auto)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None):
        """Attention over ``self.attention_axes`` of the projected (batch, ..., heads, size) tensors.

        1. Move the heads and the non-attention axes before the attention axes and flatten those:
           (batch, other..., heads, T, size), where T is the product of the attention axes.
        2. scores = (query / sqrt(key_dim)) @ key^T: (batch, other..., heads, T, S), reshaped to
           Keras's layout (batch, other..., heads, T axes..., S axes...).
        3. Masked softmax over the key axes; dropout in training; weighted sum of the values.
        4. Undo step 1's transposition.
        """
        rank = len(query.shape)
        attn = tuple(self.attention_axes)
        others = tuple(a for a in range(1, rank - 2) if a not in attn)
        perm = (0,) + others + (rank - 2,) + attn + (rank - 1,)
        lead = 1 + len(others) + 1  # batch, other axes, heads
        n = len(attn)

        def to_heads(x):
            x = ops.transpose(x, perm)
            return _merge_second_last(x, n) if n > 1 else x

        q = ops.multiply(to_heads(query), 1.0 / math.sqrt(float(self.key_dim)))
        k, v = to_heads(key), to_heads(value)
        scores = ops.matmul(q, ops.transpose(k, tuple(range(lead)) + (lead + 1, lead)))
        q_attn = tuple(query.shape[a] for a in attn)
        k_attn = tuple(key.shape[a] for a in attn)
        if n > 1:
            scores = _split_last(_split_second_last(scores, q_attn), k_attn)
        mask = None
        if attention_mask is not None:
            mask = attention_mask
            while mask.ndim < len(scores.shape):
                mask = np.expand_dims(mask, -2 * n - 1)
            scores = ops.where(mask, scores, -_LARGE_NEGATIVE)
        probabilities = _softmax_last(scores, n)
        if mask is not None:
            probabilities = ops.where(mask, probabilities, 0.0)
        weights = probabilities
        if training and self.dropout > 0:
            weights = _dropout(weights, self.dropout, self._rng)
        if n > 1:
            weights = _merge_second_last(_merge_last(weights, n), n)
        output = ops.matmul(weights, v)  # (batch, other..., heads, T, value_dim)
        if n > 1:
            output = _split_second_last(output, q_attn)
        inverse = tuple(int(i) for i in np.argsort(perm))
        return ops.transpose(output, inverse), probabilities

    def compute_mask(self, inputs, mask=None):
        """The output keeps the query's mask (Keras sets it on the attention output)."""
        if mask is None:
            return None
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        return masks[0] if masks else None

    # -------------------------------------------------------------------- config
    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "output_shape": list(self._output_shape) if self._output_shape else None,
                "attention_axes": list(self.attention_axes) if self.attention_axes is not None else None,
                "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self._activity_regularizer), "kernel_constraint": None, "bias_constraint": None,
                "seed": self.seed}


# Reshapes used when attention runs over several axes at once.
def _split_second_last(x, sizes):
    """(…, A, last) -> (…, A1..An, last) where A = prod(sizes)."""
    sizes = tuple(int(s) for s in sizes)

    def forward(a):
        return a.reshape(a.shape[:-2] + sizes + a.shape[-1:]), lambda g: (g.reshape(a.shape),)
    return ops.apply(forward, x, shape_rule=lambda s: tuple(s[:-2]) + sizes + tuple(s[-1:]))


def _merge_second_last(x, n):
    """(…, A1..An, last) -> (…, A, last): flatten the ``n`` axes before the last one."""
    def forward(a):
        return a.reshape(a.shape[:-n - 1] + (-1,) + a.shape[-1:]), lambda g: (g.reshape(a.shape),)

    def rule(s):
        mid = s[-n - 1:-1]
        return tuple(s[:-n - 1]) + ((None if None in mid else int(np.prod(mid))),) + tuple(s[-1:])
    return ops.apply(forward, x, shape_rule=rule)
