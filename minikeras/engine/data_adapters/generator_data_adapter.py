"""``GeneratorDataAdapter``: data that arrives one batch at a time.

A Python generator, any other iterator, or any iterable of batches (a list of batches,
a ``torch.utils.data.DataLoader``...) yields batches in Keras's layout: ``(x,)``,
``(x, y)`` or ``(x, y, sample_weight)``, where ``x`` may be a list or a dict for a model
with several inputs. Nothing is known about the data before it arrives, so every batch
goes through ``prepare`` on its own: the same checks, against the same model inputs and
outputs, as arrays get once as a whole.

Two kinds of source behave differently from one epoch to the next, as in Keras:

* an iterator (a generator) can be read only once: a second epoch finds it used up,
  unless ``steps_per_epoch`` takes only part of it each epoch;
* any other iterable is read again from its start at each epoch.

Tensors of other libraries become numpy arrays by duck typing (anything with
``.detach()`` and ``.numpy()``, as a torch tensor has), so torch is never imported.
"""
import types

import numpy as np

from .data_adapter import DataAdapter
from .data_adapter_utils import is_dataset_like, refuse_separate_targets, unpack_x_y_sample_weight


class GeneratorDataAdapter(DataAdapter):
    @staticmethod
    def can_handle(x):
        return is_dataset_like(x)

    @classmethod
    def from_data(cls, x, y, sample_weight, class_weight, prepare, batch_size):
        kind = source_kind(x)
        refuse_separate_targets(kind, y, sample_weight)
        if class_weight is not None and kind in ("generator", "torch DataLoader"):
            raise ValueError(f"Argument `class_weight` is not supported for {kind} inputs (as in Keras): yield "
                             f"`(x, y, sample_weight)` batches instead. Received: class_weight={class_weight}")
        return cls(x, class_weight, prepare)

    def __init__(self, source, class_weight, prepare):
        self.source = source
        self.class_weight = class_weight
        self.prepare = prepare
        self.one_shot = hasattr(source, "__next__")   # an iterator: read once
        self.is_generator = isinstance(source, types.GeneratorType)
        self._peeked = []
        if self.is_generator:
            # Keras looks at the first batch before training: an empty generator, or one that
            # does not yield tuples, is reported before any step runs.
            try:
                self._peeked.append(next(source))
            except StopIteration:
                raise ValueError("When passing a Python generator to a Keras model, the generator must "
                                 "yield at least one batch. Received an empty generator.") from None
            if not isinstance(self._peeked[0], tuple):
                raise ValueError("When passing a Python generator to a Keras model, the generator must "
                                 "return a tuple, either (input,) or (inputs, targets) or (inputs, targets, "
                                 f"sample_weights). Received: {_describe(self._peeked[0])}")

    @property
    def num_batches(self):
        """``len(source)`` when the source knows it (a DataLoader, a list), else None."""
        if self.one_shot:
            return None
        try:
            return len(self.source)
        except TypeError:
            return None

    def raw_batches(self):
        """The source's batches of one pass, as numpy structures (not yet checked)."""
        if self.one_shot:
            while self._peeked:
                yield to_numpy(self._peeked.pop(0))
            for batch in self.source:
                yield to_numpy(batch)
        else:
            for batch in self.source:
                yield to_numpy(batch)

    def batches(self, shuffle=False):
        for batch in self.raw_batches():
            x, y, sample_weight = unpack_x_y_sample_weight(batch)
            yield self.prepare(x, y, sample_weight, self.class_weight)

    def split(self, validation_split, validation_batch_size):
        raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, found following "
                         f"types in the input: {[type(self.source)]}")


def source_kind(x):
    """The words Keras's messages use for a source."""
    if isinstance(x, types.GeneratorType):
        return "generator"
    if is_torch_dataloader(x):
        return "torch DataLoader"
    return type(x).__name__


def is_torch_dataloader(x):
    """A ``torch.utils.data.DataLoader``, recognised by its class, without importing torch."""
    return any(c.__name__ == "DataLoader" and c.__module__.startswith("torch.utils.data")
               for c in type(x).__mro__)


def to_numpy(structure):
    """Every tensor in a batch as a numpy array; tuples, lists and dicts keep their shape."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(to_numpy(v) for v in structure)
    if isinstance(structure, dict):
        return {k: to_numpy(v) for k, v in structure.items()}
    if hasattr(structure, "detach") and hasattr(structure, "numpy"):   # a torch tensor
        return structure.detach().cpu().numpy()
    if hasattr(structure, "numpy") and not isinstance(structure, np.ndarray):  # a tf tensor
        return np.asarray(structure.numpy())
    return structure


def _describe(value):
    return f"{type(value).__name__} of shape {value.shape}" if hasattr(value, "shape") else repr(value)[:200]
