"""``ReversibleEmbedding``: an Embedding that also runs backwards, from vectors to logits over
the vocabulary.

A language model looks token ids up in an (input_dim, output_dim) table on the way in and, on
the way out, scores each hidden vector against every token. With ``tie_weights`` (the default)
the way out reuses the table, ``logits = h @ embeddings^T``, so the model learns one set of
token vectors; without, it has its own ``reverse_embeddings`` (output_dim, input_dim).
``logit_soft_cap`` bounds the logits smoothly, ``cap * tanh(logits / cap)``.

Call it with ``reverse=True`` for the way out. The output shape depends on that argument, so the
layer works its symbolic shapes out by running ``call`` (the ops' shape rules) rather than by a
``compute_output_shape`` that cannot see the argument.
"""
from .. import ops
from ..engine.layer import Layer
from .core import Embedding


class ReversibleEmbedding(Embedding):
    """See the module docstring."""

    compute_output_shape = Layer.compute_output_shape   # shapes from call(), which sees `reverse`

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        if reverse_dtype not in (None, "float32"):
            raise ValueError(f"Layer {self.name}: reverse_dtype={reverse_dtype!r} is not supported by minikeras "
                             "(float32 only).")
        self.tie_weights, self.reverse_dtype, self.logit_soft_cap = tie_weights, reverse_dtype, logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight("reverse_embeddings", (self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer)
        self.built = True

    def call(self, inputs, reverse=False):
        # compute_mask runs right after each call (engine/masking.py, rule 3) but cannot see
        # `reverse`, so the call leaves it here for it (ids may be floats: dtype cannot tell)
        self._reversed_call = reverse
        if not reverse:
            return super().call(inputs)
        if inputs.shape[-1] is not None and inputs.shape[-1] != self.output_dim:
            raise ValueError(f"Layer {self.name}: reverse=True expects vectors of size output_dim={self.output_dim}; "
                             f"received shape {tuple(inputs.shape)}.")
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = float(self.logit_soft_cap)
            logits = ops.multiply(ops.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        # token ids in (the way in) give Embedding's mask; vectors in (the way out) give none
        return None if getattr(self, "_reversed_call", False) else super().compute_mask(inputs, mask)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}
